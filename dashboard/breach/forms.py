"""What the breach forms send, validated with pydantic, and the problems they raise.

Field problems are reported as `breach_<field>`, so that the interface labels them
with this area's `field.breach_<field>` catalogue keys.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from dashboard.validation import FieldProblem, InvalidInput, validate
from models.breach import (
    DATA_CATEGORIES,
    LONG_TEXT,
    Art34Exception,
    CauseIntent,
    CauseOrigin,
    RiskLevel,
    StepKind,
)
from models.breach_rules import Problem
from models.clock import PARIS


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


Text = Annotated[str, Field(default="", max_length=LONG_TEXT), BeforeValidator(_stripped)]
OptionalText = Annotated[str | None, Field(default=None, max_length=200), BeforeValidator(_blank_to_none)]
Count = Annotated[int | None, Field(default=None)]


class BreachFacts(BaseModel):
    """What happened: declared by anyone but the auditor, completed as it becomes known."""

    entity_id: int
    title: Annotated[str, Field(min_length=5, max_length=200), BeforeValidator(_stripped)]
    description: Annotated[str, Field(min_length=10, max_length=LONG_TEXT), BeforeValidator(_stripped)]
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    detected_at: AwareDatetime
    aware_at: AwareDatetime | None = None
    discovery: Text
    confidentiality: bool = False
    integrity: bool = False
    availability: bool = False
    cause_origin: CauseOrigin = CauseOrigin.UNKNOWN
    cause_intent: CauseIntent = CauseIntent.UNKNOWN
    cause_details: Text
    processor_name: OptionalText
    processor_id: int | None = None
    systems: Text
    data_categories: list[str] = []
    data_details: Text
    people_categories: Text
    people_min: Count
    people_max: Count
    records_min: Count
    records_max: Count
    likely_consequences: Text
    measures_taken: Text
    measures_proposed: Text
    activity_ids: list[int] = []
    department_ids: list[int] = []

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in DATA_CATEGORIES]
        if unknown:
            raise PydanticCustomError("breach.unknown_category", "unknown data category {code}",
                                      {"code": unknown[0]})
        return [code for code in DATA_CATEGORIES if code in value]  # catalogue order, no repeats


class Qualification(BaseModel):
    """The DPO's or legal's risk assessment and its justification."""

    risk_level: RiskLevel
    risk_justification: Text
    art34_exception: Art34Exception | None = None
    art34_exception_details: Text


class NotificationInput(BaseModel):
    """One phase of the notification to the authority (initial, then complementary)."""

    sent_at: AwareDatetime
    authority_reference: Annotated[str, Field(min_length=3, max_length=60), BeforeValidator(_stripped)]
    content_added: Text
    delay_reasons: Text


class PeopleCommunication(BaseModel):
    """The letter to the people (Art. 34(2)) and, once sent, when and how."""

    people_summary: Text
    people_advice: Text
    people_informed_at: AwareDatetime | None = None
    people_information_means: Annotated[str, Field(default="", max_length=500), BeforeValidator(_stripped)]


class LetterEnglish(BaseModel):
    """The English version of the letter's free text (models.breach.LETTER_TEXT_FIELDS)."""

    people_summary: Text
    likely_consequences: Text
    measures_taken: Text
    measures_proposed: Text
    people_advice: Text


class StepInput(BaseModel):
    kind: StepKind
    description: Annotated[str, Field(min_length=3, max_length=LONG_TEXT), BeforeValidator(_stripped)]
    owner_name: Annotated[str, Field(min_length=2, max_length=200), BeforeValidator(_stripped)]
    due_at: AwareDatetime | None = None
    done_at: AwareDatetime | None = None


class Closing(BaseModel):
    closing_note: Annotated[str, Field(min_length=10, max_length=LONG_TEXT), BeforeValidator(_stripped)]


class Reopening(BaseModel):
    reason: Annotated[str, Field(min_length=10, max_length=LONG_TEXT), BeforeValidator(_stripped)]


def _prefixed(problems: list[FieldProblem]) -> InvalidInput:
    return InvalidInput([FieldProblem(f"breach_{p.field}" if p.field else "", p.key, p.params) for p in problems])


def checked(model: type[BaseModel], data: dict | BaseModel):
    """`validation.validate`, with this area's field names."""
    try:
        return validate(model, data)
    except InvalidInput as error:
        raise _prefixed(error.problems) from None


def refuse_if(problems: list[Problem]) -> None:
    """Raise the rules' problems, if any: nothing is saved."""
    if problems:
        raise _prefixed([FieldProblem(field, key) for field, key in problems])


# ------------------------------------------------------------ times typed in Paris


def from_paris(value: datetime | None) -> datetime | None:
    """A date and time typed in a form (Paris wall-clock time, naive) as an instant."""
    if value is None:
        return None
    return value.replace(tzinfo=PARIS) if value.tzinfo is None else value


def to_paris(value: datetime | None) -> datetime | None:
    """An instant as the naive Paris wall-clock time a form widget shows."""
    if value is None:
        return None
    return value.astimezone(PARIS).replace(tzinfo=None)
