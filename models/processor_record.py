"""The record of processing carried out as a processor (GDPR Art. 30(2)).

When an entity of the group processes personal data on behalf of a client (the
e-learning platforms for their business clients), it keeps, per client controller:

(a) the name and contact details of the processor (the entity itself, printed from
    its organisation record) and of each controller on whose behalf it acts, and of
    the controller's data protection officer;
(b) the categories of processing carried out on behalf of that controller;
(c) where applicable, transfers to a third country, with the Art. 46 safeguards
    (or the Art. 49(1) second subparagraph derogation) documented;
(d) where possible, a general description of the security measures of Art. 32(1).

Sub-processors (Art. 28(2) and (4)) and the dates of the service complete the record:
the CNIL's model record ("registre des activités de traitement du sous-traitant")
lists them. The transfers reuse the register's rules (models.register.Transfer).
"""

import unicodedata
from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field as PydanticField, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from models.case import version_column
from models.register import MAX_LIST_ITEMS, Transfer
from models.types import UTCDateTime, utcnow

TEXT_MAX = 4000
# The safeguard as people type it (French and English), accents folded -> models.register.SAFEGUARDS
SAFEGUARD_WORDS = {
    "adequacy": "adequacy", "adequation": "adequacy", "decision d'adequation": "adequacy",
    "sccs": "sccs", "scc": "sccs", "cct": "sccs", "clauses contractuelles types": "sccs",
    "standard contractual clauses": "sccs",
    "bcrs": "bcrs", "bcr": "bcrs", "regles d'entreprise contraignantes": "bcrs",
    "code_of_conduct": "code_of_conduct", "code de conduite": "code_of_conduct", "code of conduct": "code_of_conduct",
    "certification": "certification",
    "derogation": "derogation",
}
LINE_MAX = 300


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'").split())


def _clean(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("processor_record.nul", "text must not contain NUL characters")
    return value.strip()


class ProcessorRecordContent(BaseModel):
    """What one Art. 30(2) record says, validated as a whole."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    department_id: int
    client_name: str = PydanticField(min_length=2, max_length=300)
    client_address: str = PydanticField(default="", max_length=500)
    client_contact: str = PydanticField(default="", max_length=300)
    client_dpo: str = PydanticField(default="", max_length=300)
    processing_categories: str = PydanticField(min_length=3, max_length=TEXT_MAX)
    sub_processors: tuple[str, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    transfers: tuple[Transfer, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    security_measures: str = PydanticField(default="", max_length=TEXT_MAX)
    started_on: date
    ended_on: Optional[date] = None

    @field_validator("client_name", "client_address", "client_contact", "client_dpo", "processing_categories",
                     "security_measures", mode="before")
    @classmethod
    def _text(cls, value):
        return _clean(value) if isinstance(value, str) else value

    @field_validator("client_name", "client_address", "client_contact", "client_dpo", mode="after")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise PydanticCustomError("register.one_line", "must fit on one line")
        return value

    @field_validator("sub_processors", mode="before")
    @classmethod
    def _lines(cls, value):
        if isinstance(value, str):
            value = value.splitlines()
        seen: list[str] = []
        for line in value or ():
            line = _clean(str(line))
            if line and line not in seen:
                if len(line) > LINE_MAX:
                    raise PydanticCustomError("processor_record.line_too_long",
                                              "one line of {max} characters at most", {"max": LINE_MAX})
                seen.append(line)
        return tuple(seen)

    @field_validator("transfers", mode="before")
    @classmethod
    def _transfer_lines(cls, value):
        """Transfers typed one per line: "recipient; country; safeguard; details"."""
        if not isinstance(value, str):
            return value
        rows = []
        for number, line in enumerate((l for l in _clean(value).splitlines() if l.strip()), start=1):
            parts = [p.strip() for p in line.split(";", 3)]
            if len(parts) < 3:
                raise PydanticCustomError("processor_record.transfers_format", "recipient; country; safeguard; details",
                                          {"item": number})
            safeguard = SAFEGUARD_WORDS.get(_fold(parts[2]), parts[2])
            rows.append({"recipient": parts[0], "country": parts[1], "safeguard": safeguard,
                         "safeguard_detail": parts[3] if len(parts) > 3 else ""})
        return rows

    @model_validator(mode="after")
    def _dates(self):
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise PydanticCustomError("processor_record.end_before_start", "the service ends before it starts")
        return self

    @property
    def active(self) -> bool:
        return self.ended_on is None


def transfers_text(transfers) -> str:
    """The transfers as the lines the form shows (the reverse of the parsing above)."""
    return "\n".join("; ".join(p for p in (t.recipient, t.country, t.safeguard, t.safeguard_detail))
                     for t in transfers)


CONTENT_FIELDS = ("department_id", "client_name", "client_address", "client_contact", "client_dpo",
                  "processing_categories", "sub_processors", "transfers", "security_measures", "started_on",
                  "ended_on")

_version = version_column()


class ProcessorRecord(SQLModel, table=True):
    """One client controller in an entity's Art. 30(2) record."""

    __tablename__ = "processor_record"

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)  # the department running the service
    client_name: str = Field(max_length=300)
    client_address: str = Field(default="", max_length=500)
    client_contact: str = Field(default="", max_length=300)
    client_dpo: str = Field(default="", max_length=300)
    processing_categories: str = Field(sa_type=Text)
    sub_processors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    transfers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    security_measures: str = Field(default="", sa_type=Text)
    started_on: date
    ended_on: Optional[date] = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_name: str = Field(default="", max_length=200)
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}


def content_of(row: ProcessorRecord) -> ProcessorRecordContent:
    return ProcessorRecordContent.model_construct(
        **{f: getattr(row, f) for f in CONTENT_FIELDS if f not in ("sub_processors", "transfers")},
        sub_processors=tuple(row.sub_processors or ()),
        transfers=tuple(Transfer.model_construct(**t) for t in row.transfers or ()))


def stored(content: ProcessorRecordContent) -> dict:
    """The content as the row's columns (lists as JSON)."""
    data = {f: getattr(content, f) for f in CONTENT_FIELDS}
    data["sub_processors"] = list(content.sub_processors)
    data["transfers"] = [t.model_dump() for t in content.transfers]
    return data
