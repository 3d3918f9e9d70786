"""A confirmation ("Demande … enregistrée.") reaches the page once, even when the run that
drew it is cut short by a newer one (a double click): it is taken away only by a run that
ended whole."""

import streamlit as st
from sqlmodel import select

from dashboard import audit_banner, ui
from models.dsr import DataSubjectRequest
from tests.page_support import app_as, page_path

FLASH = ("dsr.intake.created", {"reference": "DSR-2026-0042"})
TEXT = "Demande DSR-2026-0042 enregistrée."


def _successes(at) -> list[str]:
    return [m.value for m in at.success]


def test_a_flash_is_shown_by_one_whole_run_and_not_again(app_org):
    at = app_as(app_org, "dpo")
    at.session_state[ui.FLASH_KEY] = FLASH
    at.run()
    assert TEXT in _successes(at)
    at.run()  # the next click: said once
    assert TEXT not in _successes(at)


def test_a_flash_drawn_by_a_run_cut_short_is_drawn_by_the_next_run(app_org, monkeypatch):
    at = app_as(app_org, "dpo")
    at.session_state[ui.FLASH_KEY] = FLASH
    cut = []
    show_mail_failures = audit_banner.show_mail_failures

    def cut_short_once(actor):  # drawn just after the flash: a newer run arrives here
        if not cut:
            cut.append(True)
            st.rerun()
        show_mail_failures(actor)

    monkeypatch.setattr(audit_banner, "show_mail_failures", cut_short_once)
    at.run()
    assert cut, "the run was not cut short"
    assert TEXT in _successes(at)  # the newer run drew it again
    at.run()
    assert TEXT not in _successes(at)


def test_a_flash_set_for_the_next_run_survives_the_run_that_sets_it(app_org):
    at = app_as(app_org, "dpo")
    at.session_state[ui.FLASH_KEY] = FLASH
    at.run()
    at.session_state[ui.FLASH_KEY] = ("dsr.intake.created", {"reference": "DSR-2026-0043"})
    at.run()
    assert "Demande DSR-2026-0043 enregistrée." in _successes(at)


def test_a_record_created_by_a_run_that_gave_way_is_opened_with_its_message_by_the_next_run(app_demo_org):
    """The run that created a request gave way to a second click's run before its own switch
    to the request (CaseForms.opened): the next run, on the intake page, opens the request."""
    with app_demo_org.session() as session:
        request = session.exec(select(DataSubjectRequest).order_by(DataSubjectRequest.id)).first()
    at = app_as(app_demo_org, "dpo")
    at.switch_page(page_path("dsr_intake.py")).run()
    at.session_state["_flash_box"] = {"item": FLASH, "open": (page_path("dsr_case.py"), {"id": str(request.id)})}
    at.run()
    assert not at.exception
    assert TEXT in _successes(at)
    assert at.query_params["id"] == str(request.id)
    assert request.reference in at.title[0].value  # the request's own page
    assert at.session_state["_flash_box"] == {}
