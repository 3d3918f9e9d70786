"""A save's run gives way to a second click's run at its next Streamlit call, session state
included (`runner.fastReruns` off). So `CaseForms.done` must move the forms on and post its
message before any such call: otherwise that click's run would submit the old form again (a
second pack, a second record) and the message would be lost (tests/e2e/test_evidence.py shows
the whole of it in the browser)."""

import pytest
import streamlit as st

from dashboard import form_state, ui
from dashboard.form_state import CaseForms, OneShot


@pytest.fixture(autouse=True)
def no_flash_posted():
    ui.flash_box().clear()  # outside a server, Streamlit keeps one session state for the process


class GaveWay(Exception):
    """Where the saving run would have stopped for the second click's run."""


class Rerun(Exception):
    pass


class _StreamlitGivingWay:
    """Streamlit as `done` meets it when a second click is pending: every call gives way,
    except the rerun or the switch to another page that `done` and `opened` ask for."""

    def rerun(self):
        raise Rerun

    def switch_page(self, page, query_params):
        raise Rerun

    def __getattr__(self, name):
        raise GaveWay(name)


def test_a_save_moves_its_forms_on_and_posts_its_message_before_any_streamlit_call(monkeypatch):
    forms = CaseForms("contract", 7)
    drawn = forms.key("save")
    monkeypatch.setattr(form_state, "st", _StreamlitGivingWay())
    with pytest.raises(Rerun):
        forms.done(ui.Result(True, 1), "common.saved", number="DOC-2026-0001")
    monkeypatch.setattr(form_state, "st", st)
    assert forms.key("save") != drawn  # the pending click pressed a button of the old generation
    assert CaseForms("contract", 7).key("save") == forms.key("save")  # and its run draws the new one
    assert ui.flash_box()["item"] == ("common.saved", {"number": "DOC-2026-0001"})


def test_a_refused_save_keeps_the_forms_the_user_typed_into():
    forms = CaseForms("contract", 8)
    drawn = forms.key("save")
    assert forms.done(ui.Result(False)) is False
    assert forms.key("save") == drawn
    assert "item" not in ui.flash_box()


def test_a_creation_moves_its_forms_on_and_posts_its_message_and_record_before_any_streamlit_call(monkeypatch):
    forms = CaseForms("breach_declare")
    drawn = forms.key("save")
    monkeypatch.setattr(form_state, "st", _StreamlitGivingWay())
    with pytest.raises(Rerun):
        forms.opened(42, "/app/pages/breach_case.py", "breach.declared", reference="BRE-2026-0007")
    monkeypatch.setattr(form_state, "st", st)
    assert forms.key("save") != drawn
    assert ui.flash_box() == {"item": ("breach.declared", {"reference": "BRE-2026-0007"}),
                              "open": ("/app/pages/breach_case.py", {"id": "42"})}


def test_an_issue_button_moves_on_and_keeps_the_document_before_any_streamlit_call(monkeypatch):
    shot = OneShot("breach_issue_notice")
    drawn = shot.key
    monkeypatch.setattr(form_state, "st", _StreamlitGivingWay())
    shot.run(lambda: "DOC-2026-0009")
    monkeypatch.setattr(form_state, "st", st)
    again = OneShot("breach_issue_notice")  # the second click's run
    assert again.key != drawn and again.outcome == "DOC-2026-0009"


def test_an_issue_refused_leaves_the_button_as_it_was():
    shot = OneShot("breach_issue_letter")
    shot.run(lambda: None)  # the use case refused (its message is on the page)
    again = OneShot("breach_issue_letter")
    assert again.key == shot.key and again.outcome is None
