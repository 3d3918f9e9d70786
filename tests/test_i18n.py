"""One catalogue, French first and English too, and every key the code uses exists."""

import re
import string
from pathlib import Path

from dashboard import i18n

ROOT = Path(__file__).resolve().parent.parent
# t("key"), tr("key"), ui.t("key"), translate("key", ...), raise X("key", ...) and key="..." in errors
KEY_USE = re.compile(r"""(?:\bt|\btr|translate|_t|_say|\.t)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
ERROR_KEY = re.compile(r"""(?:Error|Violation|Required|Input)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
CUSTOM_ERROR = re.compile(r"""PydanticCustomError\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
PROBLEM = re.compile(r"""problem\(\s*["'][^"']*["']\s*,\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
KEY_ATTR = re.compile(r"""^\s+key = ["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""", re.MULTILINE)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_french_and_english_with_the_same_placeholders():
    for key, texts in i18n.catalogue().items():
        assert set(texts) == {"fr", "en"}, key
        assert texts["fr"].strip() and texts["en"].strip(), key
        assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), key


def test_every_key_used_in_the_code_is_in_the_catalogue():
    used: dict[str, str] = {}
    for folder in ("dashboard", "pages", "models", "exports"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for pattern in (KEY_USE, ERROR_KEY, CUSTOM_ERROR, PROBLEM, KEY_ATTR):
                for key in pattern.findall(source):
                    used.setdefault(key, str(path.relative_to(ROOT)))
    missing = {key: where for key, where in used.items() if not i18n.has_key(key)}
    assert not missing, missing
    assert len(used) > 50  # the scan itself works


def test_translation_falls_back_and_formats():
    assert i18n.translate("auth.locked", "en", minutes=3).endswith("Try again in 3 minute(s).")
    assert i18n.translate("auth.locked", "fr", minutes=3).endswith("Réessayez dans 3 minute(s).")
    assert i18n.translate("no.such.key", "fr") == "no.such.key"


def test_dates_are_shown_in_paris_time():
    from datetime import date, datetime, timezone

    assert i18n.format_datetime(datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc), "fr") == "02/07/2026 00:30"
    assert i18n.format_datetime(datetime(2026, 1, 1, 22, 30, tzinfo=timezone.utc), "en") == "2026-01-01 23:30"
    assert i18n.format_date(date(2026, 8, 15), "fr", long=True) == "15 août 2026"
    assert i18n.format_date(date(2026, 8, 15), "en", long=True) == "15 August 2026"


def test_amounts_are_written_in_the_languages_way():
    assert i18n.Translator("fr").amount(100_000) == "1\u202f000,00"  # a narrow no-break space, as French prints it
    assert i18n.Translator("en").amount(100_000) == "1,000.00"
    assert (i18n.Translator("fr").amount(5), i18n.Translator("en").amount(840)) == ("0,05", "8.40")
