"""Logging every display of personal data: who, when, and why.

The seeds promise that "every access to personal data is logged with identity,
timestamp and reason". The person handling a case has an implicit reason; anyone
else states one before the data is shown.
"""

from sqlmodel import Session

from dashboard import audit
from dashboard.actor import Actor
from models.errors import DomainError

ASSIGNED_CASE_REASON = "access.reason.assigned"  # stored as a key, shown translated
MIN_REASON_LENGTH = 5


class ReasonRequired(DomainError):
    key = "access.reason_required"


def access_reason(actor: Actor, *, is_assignee: bool, reason: str | None) -> str:
    stated = (reason or "").strip()
    if stated:
        if len(stated) < MIN_REASON_LENGTH:
            raise ReasonRequired("access.reason_too_short", min=MIN_REASON_LENGTH)
        return stated
    if is_assignee:
        return ASSIGNED_CASE_REASON
    raise ReasonRequired()


def log_access(
    session: Session,
    actor: Actor,
    *,
    object_type: str,
    object_id: int,
    object_ref: str = "",
    entity_id: int | None = None,
    is_assignee: bool,
    reason: str | None,
    what: str = "view",
    record: bool = True,
) -> str:
    """Check the reason and append the access entry; returns the reason recorded.
    Call before returning personal data to the page. `record=False`: the same opening of
    the case was already logged (a rerun of the page), the reason is still checked —
    one entry per opening, not one per rerun (CNIL, recommandation journalisation, 2021)."""
    recorded = access_reason(actor, is_assignee=is_assignee, reason=reason)
    if not record:
        return recorded
    audit.record(
        session,
        actor,
        f"personal_data.{what}",
        object_type=object_type,
        object_id=object_id,
        object_ref=object_ref,
        entity_id=entity_id,
        reason=recorded,
    )
    return recorded
