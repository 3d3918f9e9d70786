"""Answer letters to the data subject: the templates (one per kind of letter and
language, every version kept) and the answer of one request (drafted from a template,
edited, then issued once as a PDF recorded in the evidence registry).

Which letter a request gets follows from its rights and the outcome (`letter_kind`):
a refusal (Art. 12(4)), an identification failure (Art. 11(2)) or a manifestly
unfounded or excessive request (Art. 12(5)) has its own letter whatever the right;
otherwise the letter of the request's main right (access first: Art. 15(1)-(3)).
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.case import version_column
from models.types import UTCDateTime, utcnow

# The kinds of letter, in the order the template page lists them.
KINDS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "other_right",
         "refusal", "cannot_identify", "unfounded_excessive")
LANGUAGES = ("fr", "en")
# A request with several rights is answered with the letter of the first of these it invokes.
_RIGHT_ORDER = (("access", "access"), ("erasure", "erasure"), ("rectification", "rectification"),
                ("restriction", "restriction"), ("portability", "portability"), ("objection", "objection"),
                ("marketing_opt_out", "objection"))

TEMPLATE_MAX_CHARS = 20_000
LETTER_MAX_CHARS = 20_000


def letter_kind(rights, outcome: str) -> str:
    """The template a request's answer is drafted from."""
    if outcome == "refused":
        return "refusal"
    if outcome == "cannot_identify":
        return "cannot_identify"
    if outcome in ("manifestly_unfounded", "excessive"):
        return "unfounded_excessive"
    chosen = set(rights or ())
    for right, kind in _RIGHT_ORDER:
        if right in chosen:
            return kind
    return "other_right"


class AnswerTemplate(SQLModel, table=True):
    """One version of a letter template. Rows are only ever added: a save is a new
    revision, the current template is the highest revision of its kind and language."""

    __tablename__ = "dsr_answer_template"
    __table_args__ = (UniqueConstraint("kind", "language", "revision"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    language: str = Field(max_length=2)
    revision: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(default="", max_length=500)  # what changed and why
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    created_by_name: str = Field(default="", max_length=200)


_version = version_column()


class AnswerLetter(SQLModel, table=True):
    """The answer to one request: proposed (a department head, the DPO or legal), edited
    by the DPO or legal, then issued once (`document_id`, `sent_on`)."""

    __tablename__ = "dsr_answer_letter"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", unique=True, index=True)
    kind: str = Field(max_length=30)
    language: str = Field(max_length=2)
    outcome: str = Field(max_length=30)
    template_id: Optional[int] = Field(default=None, foreign_key="dsr_answer_template.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    proposed_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    proposed_by_name: str = Field(default="", max_length=200)
    edited_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    edited_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    edited_by_name: str = Field(default="", max_length=200)
    # Once issued: the PDF in the evidence registry (at most one) and the day it was sent.
    document_id: Optional[int] = Field(default=None, foreign_key="evidence_document.id", unique=True)
    sent_on: Optional[date] = None
    issued_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}

    @property
    def issued(self) -> bool:
        return self.document_id is not None
