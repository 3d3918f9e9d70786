"""The action plan page in AppTest: every role opens it in French without a raw catalogue key,
a department head sees only his department's actions, the DPO issues the annual report once,
the auditor cannot issue it but reads it."""

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models.clock import paris_today
from models.evidence import EvidenceDocument
from tests.action_plan import factories as make
from tests.page_support import app_as, form_key, page_path


def _text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
                    + [t.value for t in at.title] + [s.value for s in at.subheader] + [e.value for e in at.error]
                    + [str(m.value) for m in at.metric] + [m.label for m in at.metric])


def _links(at) -> list[str]:
    return [el.proto.label for el in at.get("page_link")]


@pytest.fixture
def plan(app_org):
    org = app_org
    with org.work() as session:
        hr = make.activity(session, org, "RH", date(2026, 3, 1), name="Paie du personnel")
        cr = make.activity(session, org, "DRC", date(2030, 6, 1), name="Fichier des adhérents")
        dpia_hr = make.dpia(session, org, hr, [("Chiffrer la base de paie", "planned", date(2020, 3, 10))])
        breach = make.breach(session, org, "DRC", [
            ("remediation", "Réinitialiser les comptes exposés", datetime(2030, 1, 1, tzinfo=timezone.utc), None)])
        proc = make.processor(session, org, cr, [(date(2025, 5, 1), "major_findings", "Journalisation absente")],
                              next_audit=date(2030, 5, 1))
        return {"dpia": dpia_hr.reference, "breach": breach.reference, "processor": proc.reference}


def _open(org, username):
    at = app_as(org, username).switch_page(page_path("action_plan.py")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("username", ["dpo", "juriste", "chef.rh", "chef.relation", "auditeur"])
def test_every_role_opens_the_plan_without_raw_keys(app_org, plan, username):
    at = _open(app_org, username)
    text = _text(at)
    assert "action_plan." not in text and "annual." not in text and "None" not in text, text[:400]
    links = _links(at)
    if username == "chef.rh":
        assert plan["dpia"] in links and plan["breach"] not in links and plan["processor"] not in links
        assert "Chiffrer la base de paie" in text and "Journalisation absente" not in text
        assert "Rapport annuel du DPO" not in text
    elif username == "chef.relation":
        assert plan["breach"] in links and plan["processor"] in links and plan["dpia"] not in links
    else:
        assert {plan["dpia"], plan["breach"], plan["processor"]} <= set(links)
        assert "Rapport annuel du DPO" in text
    issue = [b for b in at.button if b.label == "Émettre le rapport annuel"]
    assert bool(issue) == (username in ("dpo", "juriste"))


def test_the_dpo_issues_the_report_once_and_the_auditor_reads_it(app_org, plan):
    at = _open(app_org, "dpo")
    at.selectbox(key="ar_year").select(paris_today().year)
    at.run()
    at.button(key=form_key(at, "annual_report/issue")).click().run()
    assert not at.exception
    with app_org.session() as session:
        issued = session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == "dpo.annual_report")).all()
    assert len(issued) == 1
    assert any(issued[0].number in s.value for s in [*at.success, *at.toast]) or issued[0].number in _text(at)
    at.run()  # a rerun (the second click reaches no widget: the button's key moved on)
    with app_org.session() as session:
        assert len(session.exec(select(EvidenceDocument).where(
            EvidenceDocument.kind == "dpo.annual_report")).all()) == 1
    auditor = _open(app_org, "auditeur")
    assert issued[0].number in _text(auditor)
    auditor.button(key=f"ar_doc_{issued[0].id}_fetch").click().run()
    assert not auditor.exception and not auditor.error


@pytest.mark.parametrize(("language", "foreign"), [("fr", "ENGLISH"), ("en", "FRENCH")])
def test_the_page_speaks_one_language(app_org, plan, language, foreign):
    from dashboard import ui
    from tests import language_check as walk

    at = app_as(app_org, "dpo")
    at.session_state[ui.LANG_KEY] = language
    at = at.switch_page(page_path("action_plan.py")).run()
    assert not at.exception
    text = _text(at) + " ".join(_links(at)) + " ".join(b.label for b in at.button)
    assert not walk.catalogue_keys(text), walk.catalogue_keys(text)
    assert not walk.foreign_words(text, getattr(walk, foreign)), walk.foreign_words(text, getattr(walk, foreign))
    assert ("Plan d'actions" in text) == (language == "fr")
