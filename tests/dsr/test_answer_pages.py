"""The answer-template page with AppTest: a syntax error or a sandbox escape is a clear
message in French and nothing is saved; a valid save is a new version, the older one
listed with who saved it; the case page's answer tab drafts from the template."""

from datetime import timedelta

from sqlmodel import func, select

from dashboard.dsr import workflow
from models.answer_letter import AnswerTemplate
from models.clock import paris_today
from tests.dsr.conftest import make_request, paris_noon
from tests.page_support import app_as, form_key, page_path


def _templates_page(org, username="dpo"):
    at = app_as(org, username)
    return at.switch_page(page_path("dsr_answer_templates.py")).run()


def _save(at, body):
    at.text_area(key=form_key(at, "answer_template/body")).input(body)
    at.button(key=f"FormSubmitter:{form_key(at, 'answer_template/form')}-Enregistrer une nouvelle version").click()
    return at.run()


def _revisions(org) -> int:
    with org.session() as session:
        return session.exec(select(func.count()).select_from(AnswerTemplate)
                            .where(AnswerTemplate.kind == "access", AnswerTemplate.language == "fr")).one()


def test_template_page_refuses_bad_templates_and_keeps_every_version(app_org):
    at = _templates_page(app_org)
    assert not at.exception and not at.error
    body = at.text_area(key=form_key(at, "answer_template/body")).value
    assert "{{ purposes }}" in body and _revisions(app_org) == 1
    at = _save(at, body + "\n{{ ''.__class__ }}")
    refusal = at.error[0].value
    assert refusal.startswith("Ligne ") and "construction non autorisée" in refusal
    assert "{{ nom }}" in refusal and refusal.endswith("Rien n'a été enregistré.")
    at = _save(at, body + "\n{% if partly_granted %}")
    assert "Erreur de syntaxe" in at.error[0].value and not at.exception
    at = _save(at, body + "\n{{ numero_de_securite_sociale }}")
    assert at.error[0].value.startswith("Champ inconnu : numero\\_de\\_securite\\_sociale.")  # shown literally
    assert _revisions(app_org) == 1
    at = _save(at, body + "\n\nPost-scriptum du DPO.")
    assert not at.exception and not at.error
    assert _revisions(app_org) == 2
    shown = " ".join(c.value for c in at.caption) + " ".join(e.label for e in at.expander)
    assert "Version 2 en vigueur" in shown and "Version 1" in shown and "DPO Desk" in shown


def test_auditor_and_heads_do_not_get_the_template_page(app_org):
    for username in ("auditeur", "chef.rh"):
        at = app_as(app_org, username)
        try:
            at.switch_page(page_path("dsr_answer_templates.py")).run()
        except ValueError:  # not registered for the role
            continue
        assert at.error and not at.text_area


def test_case_page_answer_tab_drafts_from_the_template(app_org):
    request = make_request(app_org, received_at=paris_noon(paris_today() - timedelta(days=5)))
    with app_org.work() as session:
        workflow.start_work(session, app_org.dpo, request.id, request.version)
    at = app_as(app_org, "dpo")
    at.query_params.update(id=str(request.id))
    at = at.switch_page(page_path("dsr_case.py")).run()
    assert not at.exception and not at.error
    draft = at.text_area(key=form_key(at, "dsr/answer_text_granted_fr")).value
    assert "Conformément à l'article 15 du RGPD" in draft and request.reference in draft
    at.selectbox(key=form_key(at, "dsr/answer_outcome")).set_value("refused").run()
    draft = at.text_area(key=form_key(at, "dsr/answer_text_refused_fr")).value
    assert "article 12, paragraphe 4" in draft and "[À compléter : motifs de la décision]" in draft
