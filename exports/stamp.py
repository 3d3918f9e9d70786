"""What the evidence registry gives a document before it is built, so that the
document can carry its own number and verification code."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class DocumentStamp:
    number: str  # DOC-2026-0001
    verification_code: str  # XXXX-XXXX-XXXX, printed in every page footer
    issued_at: datetime  # aware UTC
    issued_by: str  # full name of the user who issued it
    language: str = "fr"


class Translator(Protocol):
    language: str

    def __call__(self, key: str, **params) -> str: ...

    def amount(self, cents: int) -> str: ...  # euros, as the language writes them


Builder = Callable[[DocumentStamp], bytes]
