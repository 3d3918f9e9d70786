"""The one catalogue of user-facing text, French first and English too.

Messages live in `catalogue/*.json`, one file per area, each mapping a dotted key
to {"fr": ..., "en": ...}. A key appears in exactly one file. Placeholders use
str.format syntax: "Échéance le {date}".
"""

import json
import logging
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from models.clock import paris_time
from models.errors import DomainError

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
CATALOGUE_DIR = Path(__file__).parent / "catalogue"
_log = logging.getLogger(__name__)


class CatalogueError(Exception):
    pass


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, texts in entries.items():
            if key in merged:
                raise CatalogueError(f"{key} defined twice (again in {path.name})")
            merged[key] = texts
    return merged


def has_key(key: str) -> bool:
    return key in catalogue()


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    entry = catalogue().get(key)
    if entry is None:
        _log.warning("missing i18n key %s", key)
        return key
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        _log.warning("bad parameters for i18n key %s: %s", key, sorted(params))
        return text


class KeyList(tuple):
    """Catalogue keys passed as one error parameter, translated and joined when shown."""

    def __new__(cls, keys=()):
        return super().__new__(cls, keys)


class Translator:
    """A callable bound to one language, handed to exports and charts."""

    def __init__(self, language: str = DEFAULT_LANGUAGE):
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **params) -> str:
        return translate(key, self.language, **params)

    def maybe(self, text: str) -> str:
        """Translate a stored value that may be a catalogue key (e.g. an audit reason)."""
        return self(text) if has_key(text) else text

    def error(self, error: DomainError) -> str:
        return self.message(error.key, error.params)

    def message(self, key: str, params: dict) -> str:
        """Dates, instants and lists of catalogue keys in the parameters are written in this language."""
        formatted = {}
        for name, value in params.items():
            if isinstance(value, KeyList):
                value = ", ".join(self(item) for item in value)
            elif isinstance(value, datetime):
                value = self.datetime(value)
            elif isinstance(value, date):
                value = self.date(value)
            formatted[name] = value
        return self(key, **formatted)

    def date(self, value: date | None, long: bool = False) -> str:
        return format_date(value, self.language, long=long)

    def datetime(self, value: datetime | None) -> str:
        return format_datetime(value, self.language)

    def duration(self, value: timedelta) -> str:
        return format_duration(value, self.language)

    def amount(self, cents: int) -> str:
        return format_amount(cents, self.language)


def format_date(value: date | None, lang: str = DEFAULT_LANGUAGE, long: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = paris_time(value).date()
    if long:
        month = translate(f"month.{value.month}", lang)
        return f"{value.day} {month} {value.year}"
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def format_datetime(value: datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Stored in UTC, shown in Paris time."""
    if value is None:
        return "—"
    local = paris_time(value)
    return local.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def format_amount(cents: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount of euros from its cents: "1 234,50" in French, "1,234.50" in English."""
    text = f"{cents / 100:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def format_duration(value: timedelta, lang: str = DEFAULT_LANGUAGE) -> str:
    """Hours and minutes, e.g. "41 h 05" — used by countdowns."""
    total = int(abs(value).total_seconds()) // 60
    hours, minutes = divmod(total, 60)
    text = f"{hours} h {minutes:02d}"
    return f"-{text}" if value < timedelta(0) else text
