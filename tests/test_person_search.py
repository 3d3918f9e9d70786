"""Finding a person's cases: folding (accents, case, ß, ligatures) identical on SQLite
and PostgreSQL, only the DPO and legal search, a reason every time, and an audit entry
that keeps the query's fingerprint and the cases found, never the name typed."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from dashboard import person_search
from dashboard.access import ReasonRequired
from dashboard.demo import dsr as demo_dsr
from dashboard.errors import NotAllowed
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.dsr import normalise_key
from models.person_search import query_fingerprint, search_key
from tests.breach.factories import declare
from tests.dsr.conftest import make_request

WHY = "Demande d'accès n° 2 : vérifier les demandes antérieures"


@pytest.mark.parametrize(("typed", "stored"), [
    ("Élodie MARTIN", "elodie martin"),
    ("ÉLODIE", "elodie"),
    ("élodie", "elodie"),
    ("Eloïse Lefèvre-Çelik", "eloise lefevre-celik"),
    ("Straße", "strasse"),
    ("STRASSE", "strasse"),
    ("ẞ", "ss"),
    ("Lætitia Œuvray", "laetitia oeuvray"),
    ("ﬁlippi", "filippi"),  # the "fi" ligature
    ("  Jeanne\t\nMOREL  ", "jeanne morel"),
    ("ＭＯＲＥＬ", "morel"),  # full-width letters
])
def test_search_key_folds_case_accents_eszett_and_ligatures(typed, stored):
    assert search_key(typed) == stored == normalise_key(typed)


@given(st.text(max_size=200))
def test_search_key_is_idempotent_and_case_blind(text):
    key = search_key(text)
    assert search_key(key) == key
    assert search_key(text.upper()) == key


def test_the_fingerprint_ignores_order_accents_and_case():
    assert query_fingerprint("Lætitia ŒUVRAY") == query_fingerprint("oeuvray laetitia") == hashlib.sha256(
        b"laetitia oeuvray").hexdigest()


@pytest.fixture
def people(org):
    with org.work() as session:
        demo_dsr.seed_routing(session)
    found = {
        "laetitia": make_request(org, requester_name="Lætitia Œuvray-Straße", requester_contact="l.oeuvray@example.org"),
        "elodie": make_request(org, requester_name="Élodie Martin", requester_contact="06 12 34 56 78"),
        "staff": make_request(org, relation="staff", requester_name="Thomas Roux", requester_contact="t.roux@example.org"),
    }
    found["breach"] = declare(org, description="Le relevé de Mme ÉLODIE MARTIN a été envoyé à M. Thomas Roux.")
    found["other_breach"] = declare(org, description="Perte d'un ordinateur portable chiffré.")
    return found


def _search(org, query, actor=None, reason=WHY):
    with org.work() as session:
        return person_search.search_person(session, actor or org.dpo, query, reason)


@pytest.mark.parametrize(("query", "expected"), [
    ("elodie martin", {"elodie", "breach"}),
    ("MARTIN élodie", {"elodie", "breach"}),
    ("ÉLODIE", {"elodie", "breach"}),
    ("laetitia", {"laetitia"}),
    ("Œuvray", {"laetitia"}),
    ("OEUVRAY strasse", {"laetitia"}),
    ("STRASSE", {"laetitia"}),
    ("straße", {"laetitia"}),
    ("l.oeuvray@example", {"laetitia"}),
    ("06 12 34", {"elodie"}),
    ("roux", {"staff", "breach"}),
    ("100%", set()),
    ("a_b", set()),  # LIKE wildcards taken literally
])
def test_search_finds_requests_and_breaches_whatever_accents_and_case(org, people, query, expected):
    hits = _search(org, query)
    by_id = {("breach" if k.endswith("breach") else "dsr", v.id): k for k, v in people.items()}
    assert {by_id[(h.case_type, h.case_id)] for h in hits} == expected


def test_each_hit_says_where_it_matched_and_shows_no_personal_data(org, people):
    hits = {h.reference: h for h in _search(org, "l.oeuvray")}
    hit, = hits.values()
    assert hit.matched == "contact" and hit.case_type == "dsr" and hit.reference == people["laetitia"].reference
    assert "oeuvray" not in str(hit).lower().replace("l.oeuvray", "")  # the hit carries no name


def test_the_search_is_logged_with_its_reason_and_fingerprint_not_the_name(org, people):
    hits = _search(org, "Élodie Martin")
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "personal_data.search")).one()
    assert entry.reason == WHY and entry.actor_name == "dpo"
    assert entry.details["query_sha256"] == query_fingerprint("martin elodie")
    assert sorted(entry.details["results"]) == sorted(h.reference for h in hits) and entry.details["count"] == 2
    assert "martin" not in str(entry.details).lower() and "elodie" not in str(entry.details).lower()


@pytest.mark.parametrize("reason", ["", "   ", "vu"])
def test_a_search_without_a_real_reason_is_refused(org, people, reason):
    with pytest.raises(ReasonRequired):
        _search(org, "martin", reason=reason)


@pytest.mark.parametrize("query", ["", " ", "é", "\x00martin", "m" * 201])
def test_a_query_too_short_too_long_or_with_nul_is_refused_in_words(org, people, query):
    with pytest.raises(InvalidInput) as refused:
        _search(org, query)
    assert refused.value.problems[0].field in ("search_query", "")


@pytest.mark.parametrize("persona", ["head_cr", "head_hr", "auditor"])
def test_department_heads_and_auditors_cannot_search_and_the_attempt_is_logged(org, people, persona):
    actor = getattr(org, persona)
    with pytest.raises(NotAllowed):
        _search(org, "martin", actor=actor)
    with org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).one()
    assert denied.details["attempted"] == "personal_data.search"


def test_legal_counsel_searches_like_the_dpo(org, people):
    assert {h.case_id for h in _search(org, "roux", actor=org.legal)} == {people["staff"].id, people["breach"].id}


def test_a_breach_edit_keeps_its_search_text_current(org, people):
    from dashboard.breach import records
    from tests.breach.factories import facts

    breach = people["other_breach"]
    with org.work() as session:
        records.update_facts(session, org.dpo, breach.id, breach.version,
                             facts(org, description="L'ordinateur de M. Gaëtan Lœb a été volé."))
    assert [h.case_id for h in _search(org, "gaetan loeb")] == [breach.id]
