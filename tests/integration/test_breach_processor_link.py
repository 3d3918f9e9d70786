"""A breach at a processor points to the processor's record; the processor's file lists it."""

import pytest
from sqlmodel import select

from dashboard.breach import links as breach_links
from dashboard.breach import records
from dashboard.processor import links as processor_links
from dashboard.validation import InvalidInput
from models.breach import Breach
from models.processor import Processor
from models.types import utcnow



def _facts(org, entity: str, **overrides) -> dict:
    return {"entity_id": org.entities[entity].id, "title": "Fuite chez un sous-traitant",
            "description": "Le sous-traitant signale un accès non autorisé à ses serveurs.",
            "detected_at": utcnow(), "confidentiality": True, "cause_origin": "external",
            "cause_intent": "malicious", **overrides}


def _processor(org, name: str) -> Processor:
    with org.session() as session:
        return session.exec(select(Processor).where(Processor.legal_name == name)).one()


def test_a_breach_links_to_a_processor_of_its_entity_and_takes_its_name(demo_org):
    org = demo_org
    helpnest = _processor(org, "HelpNest Inc.")
    with org.work() as session:
        breach = records.declare(session, org.dpo, _facts(org, "LUMINA", processor_id=helpnest.id,
                                                          processor_name="ignored"))
    assert (breach.processor_id, breach.processor_name) == (helpnest.id, "HelpNest Inc.")
    with org.session() as session:
        listed = breach_links.breaches_at_processor(session, org.dpo, helpnest.id)
    assert breach.reference in [item.reference for item in listed]


def test_a_processor_of_another_entity_is_refused_and_nothing_saved(demo_org):
    org = demo_org
    helpnest = _processor(org, "HelpNest Inc.")  # Savelunari and Lumina, not Médicis
    with org.session() as session:
        before = len(session.exec(select(Breach)).all())
    with pytest.raises(InvalidInput) as error, org.work() as session:
        records.declare(session, org.dpo, _facts(org, "MEDICIS", processor_id=helpnest.id))
    assert error.value.problems[0].key == "breach.processor_other_entity"
    with org.session() as session:
        assert len(session.exec(select(Breach)).all()) == before


def test_demo_breaches_at_processors_are_linked_and_heads_see_only_their_scope(demo_org):
    org = demo_org
    with org.session() as session:
        linked = session.exec(select(Breach).where(Breach.processor_id.is_not(None))).all()
        assert {b.processor_name for b in linked} == {"HelpNest Inc.", "Thermographe Web Ltd", "PayRhône SAS"}
        hr_choices = processor_links.processor_choices(session, org.head_hr)
        all_choices = processor_links.processor_choices(session, org.dpo)
        for breach in linked:
            assert breach_links.breaches_at_processor(session, org.head_hr, breach.processor_id) == []
    assert {c.legal_name for c in hr_choices} < {c.legal_name for c in all_choices}
