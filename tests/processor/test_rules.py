"""The pure rules: clause scoring, transfers and countries, processor deadlines, form checks."""

from datetime import date

import pytest

from dashboard.processor.forms import ContractData, ProcessorData
from dashboard.validation import InvalidInput, validate
from models import deadlines as d
from models.processor_clauses import ALL_CLAUSES, ART28_CLAUSES, POLICY_CLAUSES, score_clauses
from models.processor_transfers import EEA_MEMBERS, EU_MEMBERS, country_name, in_eu, transfer_problem


def test_checklist_has_the_art28_points_and_the_eight_policy_points():
    """GDPR Art. 28(3): the contract "sets out the subject-matter and duration of the
    processing, the nature and purpose of the processing, the type of personal data and
    categories of data subjects" (five opening points, issue 15 rule 9), then stipulates
    points (a) to (h); the insurer's policy adds eight."""
    assert ART28_CLAUSES[:5] == ("art28_subject_matter", "art28_duration", "art28_nature_purpose",
                                 "art28_data_types", "art28_data_subjects")
    assert [key[-1] for key in ART28_CLAUSES[5:]] == list("abcdefgh")
    assert len(POLICY_CLAUSES) == 8 and len(ALL_CLAUSES) == 21


@pytest.mark.parametrize(("states", "score", "missing", "flagged"), [
    ({key: "present" for key in ALL_CLAUSES}, 100, 0, False),
    ({**{key: "present" for key in ALL_CLAUSES}, "art28_g": "missing"}, 95, 1, True),  # 20 / 21
    ({**{key: "present" for key in ALL_CLAUSES}, "art28_g": "partial", "policy_breach": "partial"}, 95, 0, False),
    ({key: "partial" for key in ALL_CLAUSES}, 50, 0, False),
    ({"art28_a": "present"}, 5, 20, True),  # clauses nobody assessed count as missing
    ({key: "present" for key in ALL_CLAUSES if not key.startswith("art28_") or key[-2] == "_"}, 76, 5, True),
])
def test_clause_score(states, score, missing, flagged):
    result = score_clauses(states)
    assert (result.score, result.missing, result.flagged) == (score, missing, flagged)


def test_unknown_clause_state_is_refused():
    with pytest.raises(ValueError):
        score_clauses({"art28_a": "maybe"})


@pytest.mark.parametrize(("country", "tool", "module", "derogation", "note", "problem"), [
    ("FR", "", None, "", "", None),
    ("NO", "", None, "", "", None),  # EEA, not EU: no transfer tool needed
    ("US", "", None, "", "", "processor.error.transfer_tool_missing"),
    ("US", "adequacy", None, "", "", "processor.error.adequacy_scope_note"),  # DPF covers certified recipients only
    ("US", "adequacy", None, "", "certified under the DPF", None),
    ("CH", "adequacy", None, "", "", None),
    ("CN", "adequacy", None, "", "", "processor.error.no_adequacy"),
    ("CN", "scc", None, "", "", "processor.error.scc_module"),
    ("CN", "scc", 2, "", "", None),
    ("IN", "bcr", None, "", "", "processor.error.bcr_reference"),
    ("IN", "derogation", None, "z", "", "processor.error.derogation"),
    ("IN", "derogation", None, "b", "", None),
    ("UK", "adequacy", None, "", "", "processor.error.country_unknown"),  # the ISO code is GB
    ("ZZ", "", None, "", "", "processor.error.country_unknown"),
])
def test_transfer_rule(country, tool, module, derogation, note, problem):
    assert transfer_problem(country, tool, module, derogation, note) == problem


def test_eu_and_eea_membership_and_country_names():
    assert len(EU_MEMBERS) == 27 and EEA_MEMBERS - EU_MEMBERS == {"IS", "LI", "NO"}
    assert not in_eu("GB") and not in_eu("NO") and in_eu("IE")
    assert country_name("DE", "fr") == "Allemagne" and country_name("DE", "en") == "Germany"


def test_notice_date_and_objection_deadline():
    assert d.notice_date(date(2027, 3, 31), 3) == date(2026, 12, 31)
    assert d.notice_date(date(2027, 5, 31), 3) == date(2027, 2, 28)  # no 31 February
    assert d.notice_date(date(2027, 1, 15), 0, 45) == date(2026, 12, 1)
    # notified Friday 24 April 2026, 30 days: Sunday 24 May, Whit Monday 25 May -> Tuesday 26 May
    assert d.objection_deadline(date(2026, 4, 24), 30) == date(2026, 5, 26)
    assert d.objection_deadline(date(2026, 3, 2), 14) == date(2026, 3, 16)  # a Monday


def test_contract_term_end_follows_tacit_renewals():
    assert d.contract_term_end(date(2025, 6, 30), 12, date(2025, 6, 30)) == date(2025, 6, 30)
    assert d.contract_term_end(date(2025, 6, 30), 12, date(2025, 7, 1)) == date(2026, 6, 30)
    assert d.contract_term_end(date(2024, 1, 31), 1, date(2024, 2, 10)) == date(2024, 2, 29)
    assert d.contract_term_end(date(2024, 1, 31), 0, date(2026, 1, 1)) == date(2024, 1, 31)


def test_next_audit_and_return_or_deletion_due():
    assert d.next_audit_date(date(2025, 2, 28), 12) == date(2026, 2, 28)
    assert d.next_audit_date(date(2025, 2, 28), 12, planned=date(2025, 9, 1)) == date(2025, 9, 1)
    assert d.next_audit_date(None, 12) is None
    assert d.return_or_deletion_due(date(2026, 6, 30), 30) == date(2026, 7, 30)
    assert d.return_or_deletion_due(date(2026, 7, 15), 31) == date(2026, 8, 17)  # 15 August is a Saturday


def _contract(**terms):
    return {"title": "DPA", "starts_on": date(2026, 1, 1), **terms}


@pytest.mark.parametrize(("terms", "key"), [
    ({"initial_end": date(2025, 12, 31)}, "processor.error.end_before_start"),
    ({"initial_end": date(2026, 12, 31), "notice_months": 13}, "processor.error.notice_too_long"),
    ({"initial_end": date(2027, 12, 31), "tacit_renewal": True, "renewal_months": 12, "notice_months": 13},
     "processor.error.notice_too_long"),  # the renewal term is shorter than the notice
    ({"tacit_renewal": True, "renewal_months": 12}, "processor.error.renewal_needs_term"),
    ({"clauses": {"art29": "present"}}, "processor.error.clause_unknown"),
])
def test_incoherent_contract_terms_are_refused(terms, key):
    with pytest.raises(InvalidInput) as error:
        validate(ContractData, _contract(**terms))
    assert [p.key for p in error.value.problems] == [key]


def test_coherent_contract_terms_pass():
    data = validate(ContractData, _contract(initial_end=date(2028, 12, 31), tacit_renewal=True, renewal_months=12,
                                            notice_months=3))
    assert data.renewal_months == 12


def test_processor_needs_a_transfer_tool_outside_the_eea():
    base = {"legal_name": "Acme", "country_code": "us", "services": "Hosting", "entity_id": 1,
            "locations": [{"country_code": "US"}]}
    with pytest.raises(InvalidInput) as error:
        validate(ProcessorData, base)
    assert [p.key for p in error.value.problems] == ["processor.error.transfer_tool_missing"]
    data = validate(ProcessorData, {**base, "locations": [{"country_code": "us", "transfer_tool": "scc",
                                                           "scc_module": 2}]})
    assert data.country_code == "US" and data.locations[0].country_code == "US"
