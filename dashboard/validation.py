"""Input validation with the pydantic data models, errors in the user's language.

Domain validators raise `PydanticCustomError("<catalogue key>", "<English fallback>",
{params})`: the error type is the catalogue key. Pydantic's own error types are
mapped to generic catalogue messages below.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models import input_limits
from models.errors import DomainError

M = TypeVar("M", bound=BaseModel)

_GENERIC = {
    "missing": "validation.missing",
    "string_too_short": "validation.too_short",
    "string_too_long": "validation.too_long",
    "too_short": "validation.too_few",
    "too_long": "validation.too_many",
    "greater_than": "validation.greater_than",
    "greater_than_equal": "validation.greater_than_equal",
    "less_than": "validation.less_than",
    "less_than_equal": "validation.less_than_equal",
    "int_parsing": "validation.number",
    "int_type": "validation.number",
    "int_from_float": "validation.number",
    "float_parsing": "validation.number",
    "float_type": "validation.number",
    "decimal_parsing": "validation.number",
    "decimal_type": "validation.number",
    "decimal_max_digits": "validation.number",
    "decimal_max_places": "validation.decimal_places",
    "finite_number": "validation.number",
    "date_parsing": "validation.date",
    "date_type": "validation.date",
    "date_from_datetime_parsing": "validation.date",
    "datetime_parsing": "validation.datetime",
    "datetime_type": "validation.datetime",
    "timezone_aware": "validation.datetime",
    "enum": "validation.choice",
    "literal_error": "validation.choice",
    "string_pattern_mismatch": "validation.pattern",
    "bool_parsing": "validation.invalid",
}


@dataclass(frozen=True)
class FieldProblem:
    field: str  # dotted location, "" for the whole form
    key: str
    params: dict[str, Any] = field(default_factory=dict)


class InvalidInput(DomainError):
    key = "error.invalid_input"

    def __init__(self, problems: list[FieldProblem]):
        super().__init__()
        self.problems = problems


def problem(field_name: str, key: str, **params) -> InvalidInput:
    """Build an InvalidInput for one field from a use case's own check."""
    return InvalidInput([FieldProblem(field_name, key, params)])


def _param(value: str | int | float | Decimal) -> str | int | float:
    """A bound of a decimal field (pydantic gives it as a Decimal) shown as the number it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def from_pydantic(error: ValidationError) -> InvalidInput:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"] if not isinstance(part, int))
        error_type = item["type"]
        key = error_type if "." in error_type else _GENERIC.get(error_type, "validation.invalid")
        params = {k: _param(v) for k, v in (item.get("ctx") or {}).items() if isinstance(v, (str, int, float, Decimal))}
        problems.append(FieldProblem(location, key, params))
    return InvalidInput(problems)


def limit_problems(value: Any) -> list[FieldProblem]:
    """What `models.input_limits` refuses in a value (NUL in text, an integer beyond the
    database's, a date out of bounds), by dotted field, list positions left out."""
    return [FieldProblem(".".join(str(p) for p in location if not isinstance(p, int)), key, params)
            for location, key, params in input_limits.problems(value)]


def check_limits(value: Any) -> None:
    found = limit_problems(value)
    if found:
        raise InvalidInput(found)


def validate(model: type[M], data: dict[str, Any] | BaseModel) -> M:
    """Validate with the model, then apply the limits every input shares (to the input
    first too: no model validator ever computes with a date in year 1)."""
    check_limits(data)
    try:
        result = model.model_validate(data if isinstance(data, dict) else data.model_dump())
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    check_limits(result)
    return result


def validate_in_area(area: str, model: type[M], data: dict[str, Any] | BaseModel) -> M:
    """`validate`, the problems' field names prefixed with the area so that the page shows
    the area's labels (`field.<area>_<name>`)."""
    try:
        return validate(model, data)
    except InvalidInput as error:
        raise InvalidInput([FieldProblem(f"{area}_{p.field}" if p.field else "", p.key, p.params)
                            for p in error.problems]) from None


def distinct_lines(values: list[str]) -> list[str]:
    """A list typed in by a user: items trimmed, blanks and repeats dropped, order kept."""
    seen: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen
