"""The processor pages in AppTest, on the demo data: the register, a processor's file,
the scope of a department head, recording a processor through the form."""

import pytest
from sqlmodel import select

from dashboard import db
from dashboard.processor import subprocessors
from models.processor import Processor, SubProcessor
from tests.conftest import actor_named
from tests.page_support import app_as, form_key, page_path

REGISTER, FILE = page_path("processor_register.py"), page_path("processor_file.py")


def _processor_id(org, name: str) -> int:
    with org.session() as session:
        return session.exec(select(Processor.id).where(Processor.legal_name == name)).one()


def _open_file(org, username: str, processor_id: int):
    at = app_as(org, username)
    at.switch_page(FILE)
    at.query_params["id"] = str(processor_id)
    return at.run()


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
                    + [t.value for t in at.title] + [c.value for c in at.caption])


def test_register_lists_the_demo_processors_with_their_flags(app_demo_org):
    at = app_as(app_demo_org, "juriste")
    at.switch_page(REGISTER).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Registre des sous-traitants"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sous-traitants"] == "14" and metrics["Transfert interdit"] == "1"
    table = at.dataframe[0].value
    assert "MailPilot Inc." in set(table["Sous-traitant"])
    flags = dict(zip(table["Sous-traitant"], table["Signalements"]))
    assert "Transfert hors UE interdit par l'entité" in flags["MailPilot Inc."]


def test_file_shows_the_forbidden_transfer_and_the_contract_checklist(app_demo_org):
    at = _open_file(app_demo_org, "dpo", _processor_id(app_demo_org, "MailPilot Inc."))
    assert not at.exception
    assert at.title[0].value.endswith("MailPilot Inc.")
    assert any("dont la politique interdit tout transfert hors UE" in e.value for e in at.error)
    transfers = next(d.value for d in at.dataframe if "Encadrement du transfert" in d.value.columns)
    assert "Décision d'adéquation (art. 45)" in " ".join(transfers["Encadrement du transfert"])
    clauses = next(d.value for d in at.dataframe if "Clause" in d.value.columns)
    assert len(clauses) == 21  # Art. 28(3): five opening points, (a)-(h), the policy's eight


def test_department_head_cannot_open_a_processor_outside_his_scope(app_demo_org):
    at = _open_file(app_demo_org, "chef.rh", _processor_id(app_demo_org, "MailPilot Inc."))
    assert not at.exception
    assert [e.value for e in at.error][0].startswith("Accès refusé")
    at = _open_file(app_demo_org, "chef.rh", _processor_id(app_demo_org, "PaieConnect SAS"))
    assert not at.error and "Modifier la fiche" not in _texts(at)


def test_dpo_records_a_processor_whose_us_transfer_needs_a_tool(app_demo_org):
    at = app_as(app_demo_org, "dpo")
    at.switch_page(REGISTER).run()
    at.text_input(key=form_key(at, "new_processor/legal_name")).input("Sondages Express Inc.")
    at.text_area(key=form_key(at, "new_processor/services")).input("Enquêtes de satisfaction")
    at.multiselect(key=form_key(at, "new_processor/processing")).select("US")
    at.run()
    at.button(key=form_key(at, "new_processor/create")).click().run()
    assert any("hors de l'EEE : indiquez l'outil de transfert" in e.value for e in at.error)
    with app_demo_org.session() as session:
        assert session.exec(select(Processor).where(Processor.legal_name == "Sondages Express Inc.")).first() is None
    at.selectbox(key=form_key(at, "new_processor/tool_US")).select("scc").run()
    at.selectbox(key=form_key(at, "new_processor/scc_US")).select(2)
    at.button(key=form_key(at, "new_processor/create")).click().run()
    assert not at.exception
    assert at.title[0].value.endswith("Sondages Express Inc.")  # the new processor's file, with its flags
    assert {e.value for e in at.error} == {
        "Aucun contrat de sous-traitance en vigueur : l'article 28.3 RGPD exige un contrat écrit.",
        "Ce sous-traitant traite ou stocke des données hors de l'Union européenne pour une entité dont la "
        "politique interdit tout transfert hors UE."}  # the first entity offered is the insurer's association
    assert _processor_id(app_demo_org, "Sondages Express Inc.")


def test_a_subprocessor_decided_meanwhile_refuses_the_second_decision_in_words(app_demo_org):
    """Two people at once: the lawyer accepts the CDN notified by Vidéora while the DPO, who opened
    the file before, objects. The DPO's form, drawn from what the DPO saw, still reaches its use case,
    which refuses it in words; a form taken away under the submit would drop it without a word."""
    at = _open_file(app_demo_org, "dpo", _processor_id(app_demo_org, "Vidéora SAS"))
    with db.unit_of_work(app_demo_org.engine) as session:
        cdn = session.exec(select(SubProcessor).where(SubProcessor.name == "EuroEdge CDN GmbH")).one()
        subprocessors.decide_objection(session, actor_named(app_demo_org.engine, "juriste"), cdn.id, cdn.version,
                                       {"objected": False, "note": "Accepté par le juriste."})
    at.radio(key=form_key(at, f"processor/decide_{cdn.id}_objected")).set_value(True)
    at.text_input(key=form_key(at, f"processor/decide_{cdn.id}_note")).input("Hébergeur hors garanties")
    next(b for b in at.button if b.form_id == form_key(at, f"processor/decide_{cdn.id}")).click().run()
    assert not at.exception
    assert any(e.value.startswith("juriste a modifié ce dossier") for e in at.error), [e.value for e in at.error]
    assert at.text_input(key=form_key(at, f"processor/decide_{cdn.id}_note")).value == "Hébergeur hors garanties"
    with app_demo_org.session() as session:
        assert session.get(SubProcessor, cdn.id).status == "active"
