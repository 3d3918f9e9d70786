"""Finding a person's cases: one normalisation for names and contacts, stored beside
the case by the use cases so that the same search works on SQLite and PostgreSQL.

`search_key` folds case (str.casefold: "ß" → "ss"), compatibility forms and accents
(NFKD, then the combining marks dropped: "É" → "e", the ligature "ﬁ" → "fi"), the
French ligatures that Unicode does not decompose ("œ" → "oe", "æ" → "ae"), and
spacing. The database only compares the stored keys with LIKE, which behaves the same
on both engines once the text is already folded.
"""

import hashlib
import unicodedata

# Letters NFKD keeps whole but that a French reader types either way.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})
SEARCH_TEXT_FIELDS = ("title", "description", "discovery", "data_details", "people_categories", "closing_note")
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200


def search_key(text: str | None) -> str:
    """Case, accents, ligatures and spacing removed: " Œuvre  STRAẞE " → "oeuvre strasse"."""
    folded = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).translate(_LIGATURES)
    return " ".join(unicodedata.normalize("NFKC", plain).casefold().split())


def query_words(query: str | None) -> list[str]:
    """The normalised words of a search; every one must be found."""
    return list(dict.fromkeys(search_key(query).split()))


def breach_search_text(breach) -> str:
    """A breach names people only in its free text (who received whose statement, whose
    account was opened): the folded text of those fields, searched by the DPO."""
    return "\n".join(search_key(getattr(breach, name, "") or "") for name in SEARCH_TEXT_FIELDS)


def query_fingerprint(query: str | None) -> str:
    """SHA-256 of the folded words of a search, in any order: what the audit entry keeps instead of the
    name (dashboard.person_search explains why). Hash a name the same way to find its searches."""
    return hashlib.sha256(" ".join(sorted(query_words(query))).encode("utf-8")).hexdigest()
