"""The one-source-of-truth rule (issue 18): what a register entry states about recipients and
transfers against its linked processors' files (models.register_consistency, pure)."""

from hypothesis import given, settings, strategies as st

from models.processor_transfers import EEA_MEMBERS
from models.register import Recipient, Transfer
from models.register_consistency import (TOOL_TO_SAFEGUARD, Place, ProcessorFacts, contradictions,
                                         derived_recipients, derived_transfers, places_changed)

CALL_CENTRE = ProcessorFacts(7, "SST-2026-0007", "Atlas Appels SARL", "approved",
                             (Place("FR"), Place("MA", "scc")))
MAILER = ProcessorFacts(8, "SST-2026-0008", "MailPilot Inc.", "approved", (Place("US", "adequacy"),))
HOSTING = ProcessorFacts(9, "SST-2026-0009", "Nuage Rhodanien SAS", "approved", (Place("FR"),))
AS_PROCESSOR = (Recipient(name="Centre d'appels", kind="processor"),)


def keys(found):
    return [c.key for c in found]


def test_a_moroccan_processor_contradicts_no_transfer_outside_the_eea():
    found = contradictions(AS_PROCESSOR, (), [CALL_CENTRE])
    assert keys(found) == ["register.contradiction.no_transfer"]
    assert found[0].values["country"] == "MA" and "Atlas Appels SARL" in found[0].values["processor"]
    assert found[0].processor_id == 7


def test_a_transfer_stated_elsewhere_does_not_cover_morocco():
    found = contradictions(AS_PROCESSOR, (Transfer(recipient="Autre", country="US", safeguard="sccs"),), [CALL_CENTRE])
    assert keys(found) == ["register.contradiction.transfer_missing"]


def test_sccs_in_the_entry_where_the_processor_file_says_adequacy():
    entry = (Transfer(recipient="MailPilot Inc.", country="US", safeguard="sccs"),)
    found = contradictions(AS_PROCESSOR, entry, [MAILER])
    assert keys(found) == ["register.contradiction.safeguard_mismatch"]
    assert (found[0].values["file_says"], found[0].values["entry_says"]) == ("adequacy", "sccs")


def test_an_entry_that_says_what_the_files_say_has_no_contradiction():
    entry = (Transfer(recipient="Atlas Appels", country="MA", safeguard="sccs"),
             Transfer(recipient="MailPilot", country="US", safeguard="adequacy",
                      safeguard_detail="Certifié DPF, liste vérifiée"))
    assert contradictions(AS_PROCESSOR, entry, [CALL_CENTRE, MAILER, HOSTING]) == []


def test_processors_serve_the_entry_but_it_names_no_processor_recipient():
    found = contradictions((Recipient(name="Service RH", kind="internal"),), (), [HOSTING])
    assert keys(found) == ["register.contradiction.no_processor_recipient"]
    assert contradictions((), (), []) == []  # no processor, nothing to contradict


def test_an_ended_processor_is_no_longer_a_recipient_nor_a_transfer():
    ended = ProcessorFacts(7, "SST-2026-0007", "Atlas Appels SARL", "ended", (Place("MA", "scc"),))
    assert contradictions((), (), [ended]) == []
    assert derived_recipients([ended, HOSTING]) == ["Nuage Rhodanien SAS"]
    assert derived_transfers([ended]) == []


def test_a_sub_processor_outside_the_eea_is_a_transfer_of_the_entry():
    helpnest = ProcessorFacts(3, "SST-2026-0003", "HelpNest Inc.", "approved",
                              (Place("IE"), Place("US", "scc", via="Cloud Compute Corp.")))
    derived = derived_transfers([helpnest])
    assert [(t.recipient, t.country, t.safeguard) for t in derived] == \
        [("Cloud Compute Corp. (HelpNest Inc.)", "US", "sccs")]
    found = contradictions(AS_PROCESSOR, (), [helpnest])
    assert found[0].values["via"] == "Cloud Compute Corp."


def test_places_changed_ignores_order():
    assert not places_changed((Place("FR"), Place("MA", "scc")), (Place("MA", "scc"), Place("FR")))
    assert places_changed((Place("MA", "scc"),), (Place("MA", "adequacy"),))
    assert places_changed((), (Place("FR"),))


COUNTRIES = st.sampled_from(["FR", "DE", "IE", "NO", "MA", "US", "GB", "CH", "IN", "TN", "JP"])
TOOLS = st.sampled_from(["", "adequacy", "scc", "bcr", "derogation"])
PLACES = st.lists(st.builds(Place, COUNTRIES, TOOLS, st.sampled_from(["", "Sous-traitant ultérieur"])), max_size=5)
PROCESSORS = st.lists(st.builds(ProcessorFacts, st.integers(1, 50), st.just("SST-2026-0001"),
                                st.text(min_size=1, max_size=40), st.sampled_from(["approved", "assessed", "ended"]),
                                PLACES.map(tuple)), max_size=4)


@settings(max_examples=150, deadline=None)
@given(PROCESSORS)
def test_an_entry_built_from_the_files_never_contradicts_them(processors):
    """Whatever the processors' files say, the entry that states exactly what follows from
    them (a processor recipient, each derived transfer with its safeguard) contradicts none."""
    derived = derived_transfers(processors)
    recipients = (Recipient(name="Sous-traitants", kind="processor"),)
    transfers = tuple(Transfer.model_construct(recipient=t.recipient, country=t.country, safeguard=t.safeguard)
                      for t in derived)
    assert contradictions(recipients, transfers, processors) == []
    assert all(t.country not in EEA_MEMBERS for t in derived)


@settings(max_examples=150, deadline=None)
@given(PROCESSORS)
def test_an_entry_with_no_transfer_is_contradicted_by_every_live_place_outside_the_eea(processors):
    recipients = (Recipient(name="Sous-traitants", kind="processor"),)
    found = contradictions(recipients, (), processors)
    expected = {(p.processor_id, place.country) for p in processors if p.live for place in p.outside_eea}
    assert {(c.processor_id, c.values["country"]) for c in found} == expected
    assert all(c.key == "register.contradiction.no_transfer" for c in found)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_hostile_names_are_carried_as_data_not_as_markup(name, via):
    """NUL bytes, markdown, HTML or formulas in a processor's name stay parameters: the
    rule neither fails nor drops the contradiction."""
    facts = ProcessorFacts(1, "SST-2026-0001", name, "approved", (Place("MA", "scc", via),))
    found = contradictions((), (), [facts])
    assert {c.key for c in found} == {"register.contradiction.no_processor_recipient",
                                      "register.contradiction.no_transfer"}
    assert all(name in c.values["processor"] for c in found)


def test_every_tool_has_its_safeguard():
    from models.processor_transfers import TRANSFER_TOOLS
    from models.register import SAFEGUARDS
    assert set(TOOL_TO_SAFEGUARD) == set(TRANSFER_TOOLS) and set(TOOL_TO_SAFEGUARD.values()) <= set(SAFEGUARDS)


def test_a_madis_record_fills_the_new_fields():
    from models.register_mapping import draft, people_count, suggest

    fields = [("Nom", "Téléconseil"), ("Détails - Nombre de personnes concernées", "environ 12 000"),
              ("Détails - Origine des données", "Appels entrants"), ("Détails - Traitement papier", "Inactif"),
              ("Décision automatisée", "Score de priorité des appels")]
    found = draft("madis.xlsx", fields, suggest([label for label, _ in fields]))
    assert found.left_out == []
    assert (found.data["people_count"], found.data["data_sources"], found.data["medium"]) == \
        ("10k_100k", "Appels entrants", "electronic")
    assert (found.data["automated_decisions"], found.data["automated_decisions_detail"]) == \
        (True, "Score de priorité des appels")
    assert [people_count(t) for t in ("moins de 1 000", "999", "1 000 000", "aucun")] == ["lt_1k", "lt_1k", "gt_1m", ""]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_people_count_text_gives_a_range_or_nothing(text):
    from models.register import PEOPLE_COUNTS
    from models.register_mapping import people_count

    assert people_count(text) in ("", *PEOPLE_COUNTS)
