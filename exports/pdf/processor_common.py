"""What the three processor documents share: the plain data they are built from and
a few formatted values."""

from dataclasses import dataclass, field
from datetime import date

from exports.stamp import Translator
from models.processor_transfers import country_name, in_eea


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    country_code: str = ""
    extra: str = ""  # registration number, DPO contact...


@dataclass(frozen=True)
class LocationLine:
    country_code: str
    processing: bool
    storage: bool
    transfer_tool: str = ""
    scc_module: int | None = None
    derogation: str = ""
    note: str = ""


@dataclass(frozen=True)
class ContractFacts:
    title: str
    document_reference: str
    form: str
    signed_on: date | None
    starts_on: date
    end_date: date | None
    tacit_renewal: bool
    renewal_months: int
    notice_date: date | None
    clause_score: int
    missing_clauses: int
    partial_clauses: int
    clauses: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (state, note)
    policy_applies: bool = True  # the insurer's eight points are asked of this contract (an entity adopted them)


def day(tr: Translator, value: date | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y") if tr.language == "fr" else value.isoformat()


def country(tr: Translator, code: str) -> str:
    return f"{country_name(code, tr.language)} ({code})" if code else "—"


def transfer_text(tr: Translator, location: LocationLine) -> str:
    """How a location is covered: inside the EEA, or its transfer tool."""
    if in_eea(location.country_code):
        return tr("processor.transfer.inside_eea")
    if not location.transfer_tool:
        return tr("processor.transfer.none")
    text = tr(f"processor.tool.{location.transfer_tool}")
    if location.transfer_tool == "scc" and location.scc_module:
        text += " — " + tr(f"processor.scc_module.{location.scc_module}")
    if location.transfer_tool == "derogation" and location.derogation:
        text += " — " + tr(f"processor.derogation.{location.derogation}")
    return f"{text} ({location.note})" if location.note else text


def location_text(tr: Translator, location: LocationLine) -> str:
    uses = [tr("processor.location.processing")] if location.processing else []
    uses += [tr("processor.location.storage")] if location.storage else []
    text = f"{country(tr, location.country_code)} — {', '.join(uses)}"
    return text if in_eea(location.country_code) else f"{text} — {transfer_text(tr, location)}"


def contract_term(tr: Translator, facts: ContractFacts) -> str:
    if facts.end_date is None:
        return tr("processor.contract.open_ended")
    text = day(tr, facts.end_date)
    if facts.tacit_renewal:
        text += " " + tr("processor.contract.renewed_by", months=facts.renewal_months)
    return text
