"""A save made on a version the user no longer sees is refused, and the refusal says
who changed the record since, when, and which fields (from the audit trail, which
keeps every change's before and after)."""

from sqlalchemy import update
from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from dashboard import i18n
from dashboard.errors import ConcurrentEdit
from models.audit import AuditEntry

_LOOK_BACK = 50  # entries of this record to search for the last change (reads are skipped)
_NOT_CHANGES = (".read", ".view", ".open", ".list", ".download", ".export", ".find", ".search", ".duplicates")


def _is_change(entry: AuditEntry) -> bool:
    if entry.action.startswith("access.") or entry.action.endswith(_NOT_CHANGES):
        return False
    return True


def field_labels(area: str, names) -> i18n.KeyList:
    """Catalogue keys naming the changed fields, where the catalogue has a label for them."""
    keys = []
    for name in names:
        for key in (f"{area}.field.{name}", f"field.{area}_{name}", f"field.{name}"):
            if i18n.has_key(key):
                keys.append(key)
                break
    return i18n.KeyList(keys)


def stale(session: Session, object_type: str, object_id: int | None, area: str = "") -> ConcurrentEdit:
    """The error to raise when the user's version is behind: names the last change."""
    if object_id is None:
        return ConcurrentEdit()
    entries = session.exec(select(AuditEntry).where(AuditEntry.object_type == object_type,
                                                    AuditEntry.object_id == object_id)
                           .order_by(AuditEntry.seq.desc()).limit(_LOOK_BACK)).all()
    last = next((e for e in entries if _is_change(e)), None)
    if last is None:
        return ConcurrentEdit()
    changes = (last.details or {}).get("changes") or {}
    fields = field_labels(area or object_type.split("_")[0], changes)
    key = "error.concurrent_edit_fields" if fields else "error.concurrent_edit_by"
    return ConcurrentEdit(key, who=last.actor_name or "?", at=last.at, fields=fields)


def check(row, seen_version: int | None, *, object_type: str, object_id: int | None, area: str = "") -> None:
    """Refuse the edit when the row moved on since the user saw it (None: no check asked).
    `object_type`/`object_id` name the case whose audit entries record the row's changes."""
    if seen_version is not None and row.version != seen_version:
        session = object_session(row)
        raise stale(session, object_type, object_id, area) if session is not None else ConcurrentEdit()


def bump(session: Session, row, seen_version: int | None, *, object_type: str, area: str = "") -> None:
    """For records whose version is bumped by hand (accounts, entities, departments): one
    conditional UPDATE, so that of two saves made on the same version only the first lands."""
    table = type(row)
    current = row.version
    expected = current if seen_version is None else seen_version
    moved = session.execute(update(table).where(table.id == row.id, table.version == expected)
                            .values(version=expected + 1).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise stale(session, object_type, row.id, area)
    session.refresh(row)
