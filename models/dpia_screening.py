"""Is a DPIA needed? The screening of a processing activity, as data and one rule.

Sources:

* The nine criteria of the Article 29 Working Party's Guidelines on DPIAs, endorsed
  by the EDPB (WP248 rev.01, 4 October 2017, section III.B.a): "in most cases, a
  data controller can consider that a processing meeting two criteria would require
  a DPIA to be carried out"; one criterion may be enough in some cases — hence "to
  consider".
* The CNIL's list of the types of processing operations for which a DPIA is
  required (GDPR Art. 35(4); délibération n° 2018-327 du 11 octobre 2018, JORF du
  6 novembre 2018): fourteen types, each requiring a DPIA on its own.
* The CNIL's list of the types of processing operations for which no DPIA is required
  (GDPR Art. 35(5); délibération n° 2019-118 du 12 septembre 2019, JORF du 22 octobre
  2019): twelve types. A processing of such a type needs no DPIA, whatever the WP248
  criteria it meets, on that ground — unless it is also of a type of the 2018-327 list,
  which then prevails (the controller cannot be exempted and obliged at once; a DPIA
  is the cautious answer). The exemption relieves of the DPIA only: every other
  obligation, Art. 32 security first, remains (the délibération says so).
* When no DPIA is carried out, the controller documents why (WP248 rev.01, III.B.a;
  GDPR Art. 5(2) accountability): the justification is mandatory.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

# WP248 rev.01, criteria 1 to 9, in the guidelines' order.
WP248_CRITERIA: tuple[str, ...] = (
    "evaluation_scoring",  # evaluation or scoring, including profiling and predicting
    "automated_decision",  # automated decision-making with legal or similar significant effect
    "systematic_monitoring",  # systematic monitoring
    "sensitive_data",  # sensitive data or data of a highly personal nature
    "large_scale",  # data processed on a large scale
    "matching_datasets",  # matching or combining datasets
    "vulnerable_people",  # data concerning vulnerable data subjects (employees, children...)
    "innovative_technology",  # innovative use or new technological or organisational solutions
    "prevents_rights",  # prevents data subjects from exercising a right or using a service or contract
)

# Délibération n° 2018-327, annex: the fourteen types, in the annex's order.
CNIL_LIST: tuple[str, ...] = (
    "health_care_establishments",  # health data processed by health or medico-social establishments for care
    "genetic_vulnerable",  # genetic data of vulnerable people (patients, employees, children...)
    "hr_profiling",  # profiles of natural persons for human-resources management
    "employee_monitoring",  # constant monitoring of employees' activity
    "social_health_alerts",  # whistleblowing and alerts in social and health matters
    "professional_alerts",  # whistleblowing and alerts in professional matters
    "health_data_warehouse",  # health data needed for a data warehouse or a registry
    "profiling_contract_exclusion",  # profiling that may exclude from, suspend or end a contract
    "shared_contract_breaches",  # pooled records of contract breaches that may lead to exclusion
    "profiling_external_data",  # profiling using data from external sources
    "biometric_vulnerable",  # biometric recognition of people including vulnerable ones
    "social_housing",  # social housing applications and management
    "social_support",  # social or medico-social support of people
    "large_scale_location",  # large-scale location data
)

# Délibération n° 2019-118, annex: the twelve types that need no DPIA, in the annex's order
# (catalogue keys dpia.cnil_exempt_type.<code> give the conditions in full).
CNIL_EXEMPT_LIST_SOURCE = ("CNIL, délibération n° 2019-118 du 12 septembre 2019 portant adoption de la liste des "
                           "types d'opérations de traitement pour lesquelles une analyse d'impact relative à la "
                           "protection des données n'est pas requise (JORF du 22 octobre 2019)")
CNIL_EXEMPT_LIST: tuple[str, ...] = (
    "hr_small_employer",  # HR management only, staff of an employer of fewer than 250 people, no profiling
    "supplier_relations",  # supplier relationship management
    "municipal_electoral_roll",  # municipal electoral rolls, as the texts provide
    "works_council",  # activities of works councils (comités d'entreprise et d'établissement)
    "non_profit_members",  # a non-profit's members and donors, usual activities, no sensitive data
    "individual_health_practice",  # health data for patient care by an individual practitioner, pharmacy, lab
    "individual_lawyer",  # lawyers practising individually
    "commercial_court_clerks",  # clerks of the commercial courts
    "notaries",  # notaries' activity and deeds
    "school_childcare_services",  # school, after-school and early-childhood services of public bodies and others
    "access_control_working_time",  # physical access control and working-time recording, no biometrics
    "breathalyser_transport",  # breathalyser tests framed by law in transport activities
)


class ScreeningOutcome(StrEnum):
    REQUIRED = "required"
    TO_CONSIDER = "to_consider"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class ScreeningResult:
    outcome: ScreeningOutcome
    reason_key: str  # catalogue key explaining the outcome
    params: dict[str, object] = field(default_factory=dict)

    @property
    def needs_justification(self) -> bool:
        """A written reason, unless the ground is the CNIL's exemption list itself."""
        return justification_required(self.outcome) and self.reason_key != "dpia.screening.reason.cnil_exempt"


def unknown_codes(criteria: Collection[str], cnil_types: Collection[str],
                  exempt_types: Collection[str] = ()) -> list[str]:
    return sorted((set(criteria) - set(WP248_CRITERIA)) | (set(cnil_types) - set(CNIL_LIST))
                  | (set(exempt_types) - set(CNIL_EXEMPT_LIST)))


def screening_result(criteria: Collection[str], cnil_types: Collection[str] = (),
                     exempt_types: Collection[str] = ()) -> ScreeningResult:
    """Required when the processing is on the CNIL's list (2018-327); otherwise not
    required when it is of a type of the CNIL's exemption list (2019-118), on that
    ground; otherwise required with two or more WP248 criteria, to consider with one,
    not required with none."""
    unknown = unknown_codes(criteria, cnil_types, exempt_types)
    if unknown:
        raise ValueError(f"unknown screening codes: {unknown}")
    met = len(set(criteria))
    if cnil_types:
        return ScreeningResult(ScreeningOutcome.REQUIRED, "dpia.screening.reason.cnil_list",
                               {"count": len(set(cnil_types))})
    if exempt_types:
        return ScreeningResult(ScreeningOutcome.NOT_REQUIRED, "dpia.screening.reason.cnil_exempt",
                               {"count": len(set(exempt_types))})
    if met >= 2:
        return ScreeningResult(ScreeningOutcome.REQUIRED, "dpia.screening.reason.criteria", {"count": met})
    if met == 1:
        return ScreeningResult(ScreeningOutcome.TO_CONSIDER, "dpia.screening.reason.one_criterion")
    return ScreeningResult(ScreeningOutcome.NOT_REQUIRED, "dpia.screening.reason.no_criterion")


def justification_required(outcome: ScreeningOutcome | str) -> bool:
    """Deciding that no DPIA is needed must be reasoned in writing."""
    return ScreeningOutcome(outcome) == ScreeningOutcome.NOT_REQUIRED
