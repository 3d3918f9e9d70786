"""Finding a person's cases: the data-subject requests and breaches that name someone.

Who: the DPO and legal counsel (Capability.WORK_ALL_CASES) only. They answer for the
organisation as a whole (a repeated requester under Art. 12(5), a complete answer to
Art. 15, "was I in a breach?"), so their search covers every request and breach.
Department heads cannot search, not even within their department: they reach the few
requests routed to them from their list, and a search by name is the feature most
easily turned into looking someone up (a colleague, a neighbour) — the misuse the
CNIL's logging recommendation (2021) is about. Auditors check the process, not
people: no search either. A refused search is an audit entry like any refusal.

Why: a stated reason is required every time, and the search is an audit entry.

What the entry keeps of the query: its fingerprint, SHA-256 of the folded words
(`models.person_search.query_fingerprint`), never the name typed in. The audit trail
is kept longer than the cases (retention, README) and its entries cannot be removed
one by one (hash chain): a name stored there would outlive the erasure of the
person's own request (Art. 17) and be read by everyone who reads the trail, against
minimisation and storage limitation (Art. 5(1)(c) and (e)). The fingerprint still
lets the DPO answer "was Mme X looked up, by whom, why?" by folding and hashing the
name in question with the same function, and the entry lists the
references of the cases found, which is what the search disclosed. A fingerprint of
a name can be confirmed by guessing, so it is pseudonymous data, treated as such: it
is in the trail only.

Matching: every word of the query, folded (case, accents, ß, ligatures), is found in
the request's stored name or contact keys, or in the breach's stored search text; the
same LIKE on both databases.
"""

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlmodel import Session, select

from dashboard import audit
from dashboard.access import ReasonRequired, access_reason
from dashboard.actor import Actor
from dashboard.breach import records as breach_records
from dashboard.dsr import common as dsr_common
from dashboard.permissions import require
from dashboard.validation import problem, validate
from models.breach import Breach
from models.dsr import DataSubjectRequest
from models.org import Entity
from models.person_search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, query_fingerprint, query_words
from models.roles import Capability
from models.clock import paris_date

MAX_RESULTS = 50
ACTION = "personal_data.search"


class SearchInput(BaseModel):
    search_query: str = Field(max_length=MAX_QUERY_LENGTH)
    search_reason: str = Field(default="", max_length=500)


@dataclass(frozen=True)
class PersonHit:
    case_type: str  # "dsr" or "breach"
    case_id: int
    reference: str
    entity_name: str
    status: str
    day: date  # received (request) or detected (breach), Paris
    matched: str  # "name", "contact", "name_contact" or "text"


def _like(column, word: str):
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def _requests(session: Session, actor: Actor, words: list[str]) -> list[PersonHit]:
    r = DataSubjectRequest
    rows = session.exec(
        select(r.id, r.reference, Entity.name, r.status, r.received_on, r.requester_name_key, r.requester_contact_key)
        .join(Entity, Entity.id == r.entity_id)
        .where(dsr_common.visible(actor),
               and_(*(or_(_like(r.requester_name_key, w), _like(r.requester_contact_key, w)) for w in words)))
        .order_by(r.received_on.desc(), r.id.desc()).limit(MAX_RESULTS)).all()
    hits = []
    for request_id, reference, entity, status, received_on, name_key, contact_key in rows:
        in_name, in_contact = all(w in name_key for w in words), all(w in contact_key for w in words)
        matched = "name_contact" if in_name and in_contact else "name" if in_name else (
            "contact" if in_contact else "name_contact")
        hits.append(PersonHit("dsr", request_id, reference, entity, status, received_on, matched))
    return hits


def _breaches(session: Session, actor: Actor, words: list[str]) -> list[PersonHit]:
    b = Breach
    rows = session.exec(
        select(b.id, b.reference, Entity.name, b.status, b.detected_at)
        .join(Entity, Entity.id == b.entity_id)
        .where(breach_records.visible(actor), *(_like(b.search_text, w) for w in words))
        .order_by(b.detected_at.desc(), b.id.desc()).limit(MAX_RESULTS)).all()
    return [PersonHit("breach", i, ref, entity, status, paris_date(at), "text") for i, ref, entity, status, at in rows]


def search_person(session: Session, actor: Actor, query: str, reason: str | None) -> list[PersonHit]:
    """The requests and breaches naming the person, newest first, with the reason logged."""
    require(session, actor, Capability.WORK_ALL_CASES, action=ACTION, object_type="person_search")
    data = validate(SearchInput, {"search_query": query or "", "search_reason": reason or ""})
    words = query_words(data.search_query)
    if len("".join(words)) < MIN_QUERY_LENGTH:
        raise problem("search_query", "person_search.query_too_short", min=MIN_QUERY_LENGTH)
    if not data.search_reason.strip():
        raise ReasonRequired("person_search.reason_required")
    recorded = access_reason(actor, is_assignee=False, reason=data.search_reason)
    hits = _requests(session, actor, words) + _breaches(session, actor, words)
    audit.record(session, actor, ACTION, object_type="person_search", reason=recorded,
                 details={"query_sha256": query_fingerprint(data.search_query), "words": len(words), "count": len(hits),
                          "results": [h.reference for h in hits]})
    return hits
