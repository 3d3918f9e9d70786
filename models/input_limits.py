"""What any value typed in or imported may be, whatever the form or the file.

One definition, reused by every input model (`dashboard.validation.validate`), the
register and PIA imports and the pages' use-case calls (`dashboard.ui.call`):

- text holds no NUL character (PostgreSQL refuses it in a text column);
- a whole number fits the databases' INTEGER column (32 bits, signed);
- a date or a moment lies between `EARLIEST_DAY` and `LATEST_DAY`: a DPO's record
  holds nothing before the first French data-protection law's era of computing nor
  after this century (a request received in year 1 is a typing error, and so is a
  contract ending in 9999).

Each problem is a (catalogue key, parameters) pair, so that the caller reports it
with its own field names. Imports also bound what they parse before parsing it
(`json_depth`, and their own size, row and count limits).
"""

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2099, 12, 31)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_JSON_DEPTH = 64

NUL_KEY = "validation.nul_character"
INT_KEY = "validation.integer_range"
DATE_KEY = "validation.date_range"


def date_bounds() -> dict[str, int]:
    return {"earliest": EARLIEST_DAY.year, "latest": LATEST_DAY.year}


def value_problem(value: Any) -> tuple[str, dict] | None:
    """The problem of one scalar value, or None."""
    if isinstance(value, str):
        return (NUL_KEY, {}) if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else (INT_KEY, {"min": INT_MIN, "max": INT_MAX})
    if isinstance(value, (date, datetime)):
        day = value.date() if isinstance(value, datetime) else value
        return None if EARLIEST_DAY <= day <= LATEST_DAY else (DATE_KEY, date_bounds())
    return None


def problems(value: Any, location: tuple = ()) -> Iterator[tuple[tuple, str, dict]]:
    """Every (location, key, params) in a value: a pydantic model, a mapping, a list
    or a scalar. Locations are tuples of field names and 0-based list positions."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from problems(getattr(value, name, None), (*location, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                yield location, NUL_KEY, {}
            yield from problems(item, (*location, key) if isinstance(key, str) else location)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from problems(item, (*location, index))
    else:
        found = value_problem(value)
        if found:
            yield location, *found


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests arrays and objects deeper than `limit`, found by a
    linear scan before `json.loads` (whose recursion a deep file would exhaust)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
