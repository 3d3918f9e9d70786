"""The register and the processor register as one source of truth (issue 18), on SQLite and
PostgreSQL: a contradiction blocks the DPO's validation and shows on both files; a processor
change that affects a validated entry sends it back to review, with an audit entry, a notice
and a mail to the DPO; the entry's Madis-like fields."""

import pytest
from sqlmodel import select

from dashboard import db, register
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.mail.compose import compose
from dashboard.processor import registry as processor_registry, subprocessors
from dashboard.register_consistency import describe, take_from_processors
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.mail import MailOutbox
from models.processing import ProcessingActivity
from tests.processor.conftest import processor_data
from tests.register.factories import complete, create

MOROCCO = {"country_code": "MA", "processing": True, "storage": False, "transfer_tool": "scc", "scc_module": 2}
FRANCE = {"country_code": "FR", "processing": True, "storage": True}
RECIPIENTS = [{"name": "Relation client", "kind": "internal"}, {"name": "Centre d'appels", "kind": "processor"}]
TO_MOROCCO = [{"recipient": "Centre d'appels", "country": "MA", "safeguard": "sccs",
               "safeguard_detail": "Clauses 2021/914, module 2"}]


def _entry(org, actor, **overrides):
    """An entry of Savelunari, whose policy allows transfers outside the EU (the insurer's forbids them)."""
    return create(org, actor, entity="SAVELUNARI", **overrides)


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, *args, **kwargs)


def _call_centre(org, activity, actor=None, locations=(FRANCE, MOROCCO)):
    return _call(org, processor_registry.create_processor, actor or org.legal,
                 processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="Atlas Appels SARL",
                                country_code="MA", locations=list(locations)))


def _reload(org, activity_id) -> ProcessingActivity:
    with org.session() as session:
        return session.get(ProcessingActivity, activity_id)


def test_a_moroccan_processor_blocks_the_validation_until_the_entry_states_the_transfer(org):
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS)
    processor = _call_centre(org, activity)
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert [c.key for c in view.contradictions] == ["register.contradiction.no_transfer"]
    assert view.gaps == []  # complete, yet contradicted
    assert [(t.country, t.safeguard) for t in view.derived_transfers] == [("MA", "sccs")]
    assert view.derived_recipients == ["Atlas Appels SARL"]
    message = describe(view.contradictions[0], "fr")
    assert "Maroc (MA)" in message and "Atlas Appels SARL" in message and "aucun transfert" in message
    assert "Morocco (MA)" in describe(view.contradictions[0], "en")
    # the processor's file shows it too, for the entry it serves
    pfile = _call(org, processor_registry.get_processor, org.dpo, processor.id)
    assert [c.key for c in pfile.contradictions[activity.id]] == ["register.contradiction.no_transfer"]

    current = _reload(org, activity.id)
    with pytest.raises(InvalidInput) as refused:
        _call(org, register.validate_activity, org.dpo, activity.id, current.version)
    assert [p.key for p in refused.value.problems] == ["register.contradiction.no_transfer"]
    assert "Maroc (MA)" in refused.value.problems[0].params["country"]
    assert _reload(org, activity.id).status == "draft"  # nothing changed

    _call(org, register.update_activity, org.head_cr, activity.id, current.version,
          complete(org.departments["DRC"].id, recipients=RECIPIENTS, transfers=TO_MOROCCO))
    assert _call(org, register.get_activity, org.dpo, activity.id).contradictions == []
    assert _call(org, processor_registry.get_processor, org.dpo, processor.id).contradictions == {}
    current = _reload(org, activity.id)
    assert _call(org, register.validate_activity, org.dpo, activity.id, current.version).status == "validated"


def test_sccs_in_the_entry_where_the_processor_file_says_adequacy(org):
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS,
                      transfers=[{"recipient": "MailPilot", "country": "US", "safeguard": "sccs"}])
    _call(org, processor_registry.create_processor, org.legal,
          processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="MailPilot Inc.",
                         locations=[{"country_code": "US", "processing": True, "storage": True,
                                     "transfer_tool": "adequacy", "note": "Certifié DPF, liste vérifiée"}]))
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert [c.key for c in view.contradictions] == ["register.contradiction.safeguard_mismatch"]
    message = describe(view.contradictions[0], "fr")
    assert "Clauses contractuelles types" in message and "Décision d'adéquation" in message


def test_the_dpo_saving_a_contradicted_entry_sends_it_back_to_draft(org):
    activity = _entry(org, org.dpo, recipients=RECIPIENTS, transfers=TO_MOROCCO)
    _call_centre(org, activity)
    current = _reload(org, activity.id)
    _call(org, register.validate_activity, org.dpo, activity.id, current.version)
    current = _reload(org, activity.id)
    saved = _call(org, register.update_activity, org.dpo, activity.id, current.version,
                  complete(org.departments["DRC"].id, recipients=RECIPIENTS, transfers=[]))
    assert saved.status == "draft"


def test_a_processor_change_sends_the_validated_entry_back_to_review_with_a_notice(org):
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS)
    processor = _call_centre(org, activity, locations=(FRANCE,))
    current = _reload(org, activity.id)
    _call(org, register.validate_activity, org.dpo, activity.id, current.version)
    assert _reload(org, activity.id).status == "validated"

    # legal counsel records that the call centre now also works from Morocco
    data = processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="Atlas Appels SARL",
                          country_code="MA", locations=[FRANCE, MOROCCO])
    with pytest.raises(ConcurrentEdit):  # a stale processor form changes nothing
        _call(org, processor_registry.update_processor, org.legal, processor.id, processor.version - 1, data)
    assert _reload(org, activity.id).status == "validated"
    drawn = _reload(org, activity.id).version  # the DPO's entry page, drawn before the processor changed
    _call(org, processor_registry.update_processor, org.legal, processor.id, processor.version, data)
    with pytest.raises(ConcurrentEdit):  # the slow DPO's save of that page is refused: the entry changed
        _call(org, register.update_activity, org.dpo, activity.id, drawn,
              complete(org.departments["DRC"].id, recipients=RECIPIENTS, name="Renommée"))
    returned = _reload(org, activity.id)
    assert (returned.status, returned.validated_by_id) == ("draft", None)
    assert returned.review_notice["processor"] == processor.reference
    assert (returned.review_notice["change"], returned.review_notice["by"]) == ("places", org.legal.full_name)
    with org.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "register.back_to_review")).all()
        mails = session.exec(select(MailOutbox).where(MailOutbox.case_type == "register",
                                                      MailOutbox.case_id == activity.id)).all()
    assert [(e.object_ref, e.details["processor"]) for e in entries] == [(activity.reference, processor.reference)]
    assert [m.kind for m in mails] == ["register_returned"]
    sent = compose(mails[0], "fr", "https://dpo.example.fr")
    assert activity.reference in sent.subject and "renvoyée en revue" in sent.subject
    assert f"https://dpo.example.fr/register-activity?id={activity.id}" in sent.body
    assert "Atlas" not in sent.body and "Maroc" not in sent.body  # no case detail in a mail
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert [c.key for c in view.contradictions] == ["register.contradiction.no_transfer"]

    # once the entry states the transfer, the DPO validates again and the notice goes
    _call(org, register.update_activity, org.dpo, activity.id, returned.version,
          complete(org.departments["DRC"].id, recipients=RECIPIENTS, transfers=TO_MOROCCO))
    current = _reload(org, activity.id)
    _call(org, register.validate_activity, org.dpo, activity.id, current.version)
    assert (_reload(org, activity.id).status, _reload(org, activity.id).review_notice) == ("validated", None)


def test_unlinking_or_a_sub_processor_outside_the_eea_sends_it_back_too(org):
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS)
    processor = _call_centre(org, activity, locations=(FRANCE,))
    _call(org, register.validate_activity, org.dpo, activity.id, _reload(org, activity.id).version)
    _call(org, subprocessors.add_subprocessor, org.legal, processor.id,
          {"name": "Hébergeur Casablanca", "country_code": "MA", "transfer_tool": "scc", "scc_module": 3,
           "authorisation": "specific"})
    assert _reload(org, activity.id).status == "draft"
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert view.contradictions[0].values["via"] == "Hébergeur Casablanca"

    other = _entry(org, org.head_cr, name="Réclamations", recipients=RECIPIENTS)
    second = _call_centre(org, other, locations=(FRANCE,))
    _call(org, register.validate_activity, org.dpo, other.id, _reload(org, other.id).version)
    _call(org, processor_registry.update_processor, org.legal, second.id, second.version,
          processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[], legal_name="Atlas Appels SARL", locations=[FRANCE]))
    assert (_reload(org, other.id).status, _reload(org, other.id).review_notice["change"]) == ("draft", "unlinked")


def test_the_dpos_own_consistent_processor_change_keeps_the_entry_validated(org):
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS, transfers=TO_MOROCCO)
    processor = _call_centre(org, activity, actor=org.dpo)
    _call(org, register.validate_activity, org.dpo, activity.id, _reload(org, activity.id).version)
    data = processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="Atlas Appels SARL",
                          locations=[MOROCCO])  # France dropped: still consistent
    processor = _call(org, processor_registry.update_processor, org.dpo, processor.id, processor.version, data)
    assert _reload(org, activity.id).status == "validated"
    data["locations"] = [FRANCE]  # Morocco dropped: the entry's transfer no longer follows? still no contradiction
    processor = _call(org, processor_registry.update_processor, org.dpo, processor.id, processor.version, data)
    assert _reload(org, activity.id).status == "validated"
    data["locations"] = [FRANCE, dict(MOROCCO, transfer_tool="derogation", derogation="b", scc_module=None)]
    _call(org, processor_registry.update_processor, org.dpo, processor.id, processor.version, data)
    assert _reload(org, activity.id).status == "draft"  # now the entry says SCCs, the file a derogation


def test_the_madis_fields_are_kept_checked_and_required_when_stated(org):
    activity = _entry(org, org.head_cr, automated_decisions=True, automated_decisions_detail="",
                      data_sources="Formulaire d'adhésion ; courtiers", people_count="10k_100k", medium="both")
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert (view.content.people_count, view.content.medium, view.content.data_sources) == \
        ("10k_100k", "both", "Formulaire d'adhésion ; courtiers")
    assert view.gaps == ["register.gap.automated_detail"]
    with pytest.raises(InvalidInput) as refused:
        _call(org, register.update_activity, org.head_cr, activity.id, None,
              complete(org.departments["DRC"].id, people_count="beaucoup", medium="stone"))
    assert {p.key for p in refused.value.problems} == {"register.unknown_people_count", "register.unknown_medium"}
    with pytest.raises(InvalidInput) as refused:
        _call(org, register.update_activity, org.head_cr, activity.id, None,
              complete(org.departments["DRC"].id, automated_decisions_detail="Score d'appétence"))
    assert [p.key for p in refused.value.problems] == ["register.automated_detail_without_decision"]
    _call(org, register.update_activity, org.head_cr, activity.id, None,
          complete(org.departments["DRC"].id, automated_decisions=True,
                   automated_decisions_detail="Score de risque de fraude, revu par un gestionnaire"))
    assert _call(org, register.get_activity, org.dpo, activity.id).gaps == []


def test_the_entry_is_completed_from_the_processors_files_as_an_edit(org):
    activity = _entry(org, org.head_cr)  # names no processor, states no transfer
    _call_centre(org, activity)
    current = _reload(org, activity.id)
    with pytest.raises(ConcurrentEdit):  # a page drawn before another change saves nothing
        _call(org, take_from_processors, org.head_cr, activity.id, current.version - 1)
    with pytest.raises(NotAllowed):  # the auditor changes nothing
        _call(org, take_from_processors, org.auditor, activity.id, current.version)
    saved = _call(org, take_from_processors, org.head_cr, activity.id, current.version)
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert view.contradictions == []
    assert [(t.country, t.safeguard, t.safeguard_detail) for t in view.content.transfers] == \
        [("MA", "sccs", "Clauses contractuelles types 2021/914, module 2")]
    assert ("Atlas Appels SARL", "processor") in [(r.name, r.kind) for r in view.content.recipients]
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "register.from_processors")).one()
    assert entry.object_ref == activity.reference
    # a second click on a page drawn before the first: refused, nothing added twice
    with pytest.raises(ConcurrentEdit):
        _call(org, take_from_processors, org.head_cr, activity.id, current.version)
    assert _call(org, take_from_processors, org.head_cr, activity.id, saved.version).version == saved.version
    assert len(_call(org, register.get_activity, org.dpo, activity.id).content.transfers) == 1
