"""The clause checklist of a processor contract, and its score.

Twenty-one points, each present, partial or missing:
* GDPR Art. 28(3), first subparagraph: the contract "sets out the subject-matter and
  duration of the processing, the nature and purpose of the processing, the type of
  personal data and categories of data subjects" — five opening points (issue 15, rule 9);
* GDPR Art. 28(3)(a)-(h), the stipulations every processor contract must contain;
* the eight points the insurer's data-protection policy (seeds, "L'application de la
  politique aux Tiers") requires of every contract with a third party — asked only of
  the contracts of processors working for an entity that adopted that policy
  (`Entity.adopts_policy_clauses`; dashboard/processor/policy.py): thirteen points otherwise.
"""

from collections.abc import Mapping
from dataclasses import dataclass

# Art. 28(3), first subparagraph: what the contract must describe.
ART28_OPENING_CLAUSES = (
    "art28_subject_matter",  # subject matter of the processing
    "art28_duration",  # duration of the processing
    "art28_nature_purpose",  # nature and purpose of the processing
    "art28_data_types",  # types of personal data
    "art28_data_subjects",  # categories of data subjects
)
# Art. 28(3)(a)-(h): what the contract must stipulate.
ART28_LETTERED_CLAUSES = (
    "art28_a",  # documented instructions, incl. on transfers
    "art28_b",  # confidentiality of the authorised persons
    "art28_c",  # security measures (Art. 32)
    "art28_d",  # conditions for engaging another processor (Art. 28(2) and (4))
    "art28_e",  # assistance with data-subject requests
    "art28_f",  # assistance with Arts. 32 to 36
    "art28_g",  # deletion or return at the end, at the controller's choice
    "art28_h",  # information and audits; warning of an infringing instruction
)
ART28_CLAUSES = ART28_OPENING_CLAUSES + ART28_LETTERED_CLAUSES
POLICY_CLAUSES = (
    "policy_scope",  # périmètre de responsabilité
    "policy_ownership",  # propriété des données
    "policy_instructions",  # respect des instructions et recours à d'autres sous-traitants
    "policy_requests",  # réponses aux demandes des personnes concernées
    "policy_end",  # sort des données à l'expiration du contrat
    "policy_security",  # sécurité et confidentialité
    "policy_audit",  # possibilité d'audit par Médicis
    "policy_breach",  # procédure en cas de violation de données
)
ALL_CLAUSES = ART28_CLAUSES + POLICY_CLAUSES
CLAUSE_STATES = ("present", "partial", "missing")
_WEIGHT = {"present": 1.0, "partial": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class ClauseScore:
    score: int  # 0-100
    present: int
    partial: int
    missing: int

    @property
    def flagged(self) -> bool:
        return self.missing > 0


def required_clauses(policy_applies: bool = True) -> tuple[str, ...]:
    """The points a contract is asked for: Art. 28(3) always, the policy's eight when it applies."""
    return ALL_CLAUSES if policy_applies else ART28_CLAUSES


def score_clauses(states: Mapping[str, str], policy_applies: bool = True) -> ClauseScore:
    """Score a checklist over the required points. A clause not assessed counts as missing:
    a contract nobody has read must not look compliant. States of points not required are
    checked, not counted."""
    for value in states.values():
        if value not in CLAUSE_STATES:
            raise ValueError(f"unknown clause state {value!r}")
    keys = required_clauses(policy_applies)
    values = [states.get(key, "missing") for key in keys]
    total = sum(_WEIGHT[v] for v in values)
    return ClauseScore(score=round(100 * total / len(keys)), present=values.count("present"),
                       partial=values.count("partial"), missing=values.count("missing"))
