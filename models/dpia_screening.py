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
        return justification_required(self.outcome)


def unknown_codes(criteria: Collection[str], cnil_types: Collection[str]) -> list[str]:
    return sorted((set(criteria) - set(WP248_CRITERIA)) | (set(cnil_types) - set(CNIL_LIST)))


def screening_result(criteria: Collection[str], cnil_types: Collection[str] = ()) -> ScreeningResult:
    """Required when the processing is on the CNIL's list or meets two or more WP248
    criteria; to consider with one criterion; not required otherwise."""
    unknown = unknown_codes(criteria, cnil_types)
    if unknown:
        raise ValueError(f"unknown screening codes: {unknown}")
    met = len(set(criteria))
    if cnil_types:
        return ScreeningResult(ScreeningOutcome.REQUIRED, "dpia.screening.reason.cnil_list",
                               {"count": len(set(cnil_types))})
    if met >= 2:
        return ScreeningResult(ScreeningOutcome.REQUIRED, "dpia.screening.reason.criteria", {"count": met})
    if met == 1:
        return ScreeningResult(ScreeningOutcome.TO_CONSIDER, "dpia.screening.reason.one_criterion")
    return ScreeningResult(ScreeningOutcome.NOT_REQUIRED, "dpia.screening.reason.no_criterion")


def justification_required(outcome: ScreeningOutcome | str) -> bool:
    """Deciding that no DPIA is needed must be reasoned in writing."""
    return ScreeningOutcome(outcome) == ScreeningOutcome.NOT_REQUIRED
