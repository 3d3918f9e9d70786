"""The register's content rules, without a database: what a save must never accept,
and what the DPO needs before validating."""

import pytest

from dashboard.register import validate_content
from dashboard.validation import InvalidInput
from models.register import validation_gaps
from tests.register.factories import complete


def problems_of(data: dict) -> set[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        validate_content(data)
    return {(p.field, p.key) for p in caught.value.problems}


def test_a_complete_entry_is_accepted_and_ready_for_validation():
    content = validate_content(complete(1))
    assert content.purposes[1].legitimate_interest == "Prévenir la fraude | aux prestations"
    assert validation_gaps(content) == []


@pytest.mark.parametrize("change, expected", [
    ({"purposes": [{"description": "Gestion des contrats"}]}, ("purposes", "register.purpose_without_basis")),
    ({"purposes": [{"description": "Fraude", "legal_basis": "legitimate_interests"}]},
     ("purposes", "register.interest_not_stated")),
    ({"data_categories": [{"name": "Santé", "sensitivity": "art9", "proof_location": "Dossier"}]},
     ("data_categories", "register.sensitive_without_condition")),
    ({"data_categories": [{"name": "Santé", "sensitivity": "art9", "condition": "art9_2_h"}]},
     ("data_categories", "register.sensitive_without_proof")),
    ({"data_categories": [{"name": "Casier", "sensitivity": "art10", "condition": "art9_2_a",
                           "proof_location": "Dossier"}]}, ("data_categories", "register.condition_mismatch")),
    ({"retention_rules": [{"duration": 0, "unit": "years", "start_event": "fin du contrat"}]},
     ("retention_rules", "register.retention_not_positive")),
    ({"retention_rules": [{"duration": -3, "unit": "months", "start_event": "fin du contrat"}]},
     ("retention_rules", "register.retention_not_positive")),
    ({"transfers": [{"recipient": "Outil d'analyse", "country": "US"}]},
     ("transfers", "register.transfer_without_safeguard")),
    ({"transfers": [{"recipient": "Hébergeur", "country": "DE", "safeguard": "sccs"}]},
     ("transfers", "register.transfer_inside_eea")),
    ({"transfers": [{"recipient": "Assistance", "country": "MA", "safeguard": "derogation"}]},
     ("transfers", "register.derogation_needs_detail")),
    ({"retention_rules": [{"category": "Santé", "duration": 2, "unit": "years", "start_event": "clôture"}]},
     ("", "register.retention_unknown_category")),
    ({"purposes": [{"description": "Contrat\nen deux lignes", "legal_basis": "contract"}]},
     ("purposes", "register.one_line")),
])
def test_bad_content_is_refused_with_a_clear_message(change, expected):
    assert expected in problems_of(complete(1, **change))


def test_problems_name_the_item_of_the_list():
    with pytest.raises(InvalidInput) as caught:
        validate_content(complete(1, purposes=[{"description": "Gestion", "legal_basis": "contract"},
                                               {"description": "Prospection"}]))
    assert caught.value.problems[0].params["item"] == 2


def test_gaps_list_what_validation_needs():
    content = validate_content(complete(
        1, security_measures=[], purposes=[{"description": "Lettre d'information", "legal_basis": "consent"}],
        transfers=[{"recipient": "Outil", "country": "US", "safeguard": "sccs"}],
        retention_rules=[{"category": "NIR", "duration": 1, "unit": "years", "start_event": "fin"}]))
    gaps = validation_gaps(content, forbids_non_eu_transfers=True)
    assert gaps == ["register.gap.retention", "register.gap.security", "register.gap.consent_procedure",
                    "register.gap.policy_forbids_transfers"]
    assert "register.gap.policy_forbids_transfers" not in validation_gaps(content, forbids_non_eu_transfers=False)


@pytest.mark.parametrize("transfer, key", [
    # GDPR Art. 45(1): no Commission decision for Morocco or India.
    ({"recipient": "Centre d'appels", "country": "MA", "safeguard": "adequacy"}, "processor.error.no_adequacy"),
    ({"recipient": "Infogérance", "country": "IN", "safeguard": "adequacy",
      "safeguard_detail": "Adéquation supposée"}, "processor.error.no_adequacy"),
    # Implementing Decision (EU) 2023/1795: only DPF-certified US organisations are covered.
    ({"recipient": "Outil d'analyse", "country": "US", "safeguard": "adequacy"},
     "processor.error.adequacy_scope_note"),
    ({"recipient": "Outil", "country": "ZZ", "safeguard": "sccs"}, "register.country_code"),
])
def test_the_register_applies_the_processor_modules_transfer_rule(transfer, key):
    """Issue 15, rule 4 — GDPR Art. 45(1) and Art. 30(1)(e): "adequacy decision" is refused
    for a country without one, and for a US recipient unless the entry states that it is
    certified under the EU-US Data Privacy Framework (Implementing Decision (EU) 2023/1795),
    exactly as the processor module does (models.processor_transfers.adequacy_problem, the
    one dated list of decisions)."""
    assert ("transfers", key) in problems_of(complete(1, transfers=[transfer]))


def test_adequacy_is_accepted_where_a_decision_covers_the_recipient():
    """Art. 45: Switzerland (Decision 2000/518/EC) whole; a US recipient stated as DPF-certified."""
    content = validate_content(complete(1, transfers=[
        {"recipient": "Hébergeur", "country": "CH", "safeguard": "adequacy"},
        {"recipient": "Outil de cartes de chaleur", "country": "US", "safeguard": "adequacy",
         "safeguard_detail": "Certifié au Data Privacy Framework (liste vérifiée le 2 mars 2026)"}]))
    assert [t.country for t in content.transfers] == ["CH", "US"]
