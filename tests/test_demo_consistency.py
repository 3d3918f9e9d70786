"""The demo as a DPO would audit it: each case type's own rules, run over the whole demo
database, find no contradiction between what one record says and what another does.

The demo is what a DPO judges the product by: the register must say the transfers that
the processors make, the screening must tick what the register shows, a breach's
rating must match its consequences, each controller's documents its own DPO address.
"""

import pytest
from sqlmodel import select

from dashboard.register import load_content
from models.breach import Breach
from models.breach_rules import qualification_problems
from models.dpia import DpiaScreening
from models.org import Entity
from models.processing import ProcessingActivity
from models.processor import ProcessorActivity, ProcessorLocation, SubProcessor
from models.processor_transfers import in_eea
from models.register import validation_gaps
from tests.conftest import demo_sqlite

SENSITIVE = {"art9", "art10", "nir"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, sqlite_template):
    _, org = demo_sqlite(tmp_path_factory, sqlite_template)
    with org.session() as session:
        entities = {e.id: e for e in session.exec(select(Entity))}
        activities = list(session.exec(select(ProcessingActivity).order_by(ProcessingActivity.reference)))
        contents = {a.id: load_content(session, a) for a in activities}
        outside = {}  # activity id -> countries outside the EEA where its processors and their sub-processors work
        for activity in activities:
            processors = session.exec(select(ProcessorActivity.processor_id)
                                      .where(ProcessorActivity.activity_id == activity.id)).all()
            countries = set(session.exec(select(ProcessorLocation.country_code)
                                         .where(ProcessorLocation.processor_id.in_(processors))).all())
            countries |= set(session.exec(select(SubProcessor.country_code).where(
                SubProcessor.processor_id.in_(processors), SubProcessor.status != "objected")).all())
            outside[activity.id] = ({c for c in countries if not in_eea(c)}, bool(processors))
        screenings = {}
        for s in session.exec(select(DpiaScreening).order_by(DpiaScreening.id)):
            screenings[s.activity_id] = s  # the latest
        breaches = list(session.exec(select(Breach).order_by(Breach.reference)))
    org.engine.dispose()
    return entities, activities, contents, outside, screenings, breaches


def test_validated_register_entries_have_no_gap(demo):
    """GDPR Art. 30(1): a validated entry carries every item, within the entity's policy."""
    entities, activities, contents, *_ = demo
    for activity in activities:
        if activity.status == "validated":
            entity = entities[activity.entity_id]
            assert validation_gaps(contents[activity.id], forbids_non_eu_transfers=entity.forbids_non_eu_transfers) \
                == [], activity.name


def test_the_register_says_the_transfers_that_the_processors_make(demo):
    """GDPR Art. 30(1)(e): the register records the transfers to third countries; a
    processor (or sub-processor) working outside the EEA for an activity is one, and a
    transfer the register lists goes to a country where a processor of the activity works."""
    _, activities, contents, outside, *_ = demo
    for activity in activities:
        countries, has_processors = outside[activity.id]
        recorded = {t.country for t in contents[activity.id].transfers}
        assert countries <= recorded, (activity.name, countries - recorded)
        if has_processors:
            assert recorded <= countries, (activity.name, recorded - countries)


def test_no_register_entry_contradicts_its_processors_files(demo_contradictions):
    """Issue 18: the register and the processor register are one source of truth. In the demo,
    no entry states recipients or transfers that its processors' files contradict."""
    assert demo_contradictions == {}, "\n".join(f"{k}: {v}" for k, v in demo_contradictions.items())


@pytest.fixture(scope="module")
def demo_contradictions(tmp_path_factory, sqlite_template):
    from dashboard.register_consistency import describe, facts_for_activities
    from models.register_consistency import contradictions

    _, org = demo_sqlite(tmp_path_factory, sqlite_template)
    with org.session() as session:
        activities = list(session.exec(select(ProcessingActivity).order_by(ProcessingActivity.reference)))
        facts = facts_for_activities(session, [a.id for a in activities])
        found = {}
        for activity in activities:
            content = load_content(session, activity)
            messages = [describe(c, "fr") for c in contradictions(content.recipients, content.transfers,
                                                                  facts[activity.id])]
            if messages:
                found[activity.name] = messages
    org.engine.dispose()
    return found


def test_the_screening_ticks_the_sensitive_data_the_register_shows(demo):
    """WP248 rev.01, criterion 4: special categories, offences and highly personal data
    (the NIR) tick "sensitive data"; with employees (criterion 7) that makes two: a DPIA
    is required (Art. 35(1))."""
    _, activities, contents, _, screenings, _ = demo
    for activity in activities:
        screening = screenings.get(activity.id)
        if screening is None:
            continue
        if {c.sensitivity for c in contents[activity.id].data_categories} & SENSITIVE:
            assert "sensitive_data" in screening.criteria, activity.name
        if len(set(screening.criteria)) >= 2:
            assert screening.outcome == "required", activity.name


def test_a_breach_rating_matches_its_consequences(demo):
    """GDPR Art. 33(3)(c) and 34(1): a breach rated as a risk or a high risk describes
    the consequences that make it so; the qualification rules hold for every breach."""
    *_, breaches = demo
    for breach in breaches:
        if breach.risk_level is None:
            continue
        assert qualification_problems(risk_level=breach.risk_level, justification=breach.risk_justification,
                                      exception=breach.art34_exception,
                                      exception_details=breach.art34_exception_details) == [], breach.title
        if breach.risk_level in ("risk", "high"):
            assert "aucune conséquence" not in breach.likely_consequences.lower(), breach.title


def test_each_controller_gives_its_own_dpo_address(demo):
    """GDPR Art. 37(7): each controller publishes its DPO's contact details: one DPO for
    several controllers is reached at each controller's address."""
    entities, *_ = demo
    for entity in entities.values():
        assert entity.address in entity.dpo_address, entity.name
        assert entity.legal_representative, entity.name


def test_criminal_record_data_names_the_people_its_text_covers(demo):
    """GDPR Art. 10 and loi 78-17 art. 46: offence data only where a text authorises it,
    and for the people that text covers (the mutual's directors, not every candidate)."""
    _, activities, contents, *_ = demo
    for activity in activities:
        for category in contents[activity.id].data_categories:
            if category.sensitivity == "art10" and "dirigeant" in category.condition_detail:
                assert "dirigeant" in category.name and "seulement" in category.name, activity.name
