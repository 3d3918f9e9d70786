"""Streamlit widgets the evidence pages and the case pages share: the stated reason for
consulting documents, and the one download of an issued document (fetch, which is
logged as "evidence.download", then save under the registry's file name), used by the
evidence room, the verification page and the case pages' documents."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import evidence_room, ui
from dashboard.actor import Actor
from dashboard.evidence_room import DocumentRow

REASON_KEY = "_evidence_reason"  # survives page changes, unlike widget keys


def reason_input(key: str) -> str:
    """The reason for consulting documents, stated once and offered again on the
    other evidence pages of the session."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(REASON_KEY, "")
    reason = st.text_input(ui.t("access.reason_label"), key=key, max_chars=500,
                           placeholder=ui.t("evidence.reason_placeholder"))
    st.session_state[REASON_KEY] = reason  # no callback: it also serves inside forms
    return reason


def document_download(actor: Actor, document_id: int, reason: str, key: str) -> None:
    """Fetch the document as issued (an audit entry), then offer to save it."""
    _two_steps(lambda: ui.call(evidence_room.download, document_id, reason, actor=actor).value, key)


def document_heading(title: str, case_ref: str = "") -> str:
    """What a case page calls an issued document: its title without the case's reference,
    which names its kind and its phase or version ("Accusé de réception", "Notification
    complémentaire n° 2 d'une violation de données personnelles")."""
    suffix = f" — {case_ref}"
    return title[: -len(suffix)] if case_ref and title.endswith(suffix) else title


def issued_document(document, *, case_ref: str, fetch: Callable[[], Any], key: str,
                    downloadable: bool = True) -> None:
    """One issued document on a case page, the same way on every page: its name (kind and
    phase or version), number, when and by whom, fingerprint; then the one download of
    the registry (`document_download`'s two steps: fetched with an audit entry
    "evidence.download", then saved under the registry's file name)."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.markdown(f"**{ui.literal(document_heading(document.title, case_ref))}** · `{document.number}` — "
                  f"{ui.tr().datetime(document.issued_at)}, {ui.literal(document.issued_by_name)}  \n"
                  f"SHA-256 `{document.sha256}`")
    if downloadable:
        with right:
            _two_steps(fetch, key)


def _two_steps(fetch: Callable[[], Any], key: str) -> None:
    if st.button(ui.t("evidence.documents.fetch"), key=f"{key}_fetch", icon=":material/download:"):
        document = fetch()
        if document is not None:
            st.session_state[f"{key}_fetched"] = document.id
            st.download_button(ui.t("evidence.documents.save", filename=document.filename),
                               data=lambda: document.content, file_name=document.filename,
                               mime=document.media_type, key=f"{key}_save", on_click="ignore", type="primary",
                               icon=":material/save:")


def size_text(size: int) -> str:
    return ui.t("evidence.size_kb", kb=max(1, round(size / 1024))) if size < 2**20 else \
        ui.t("evidence.size_mb", mb=f"{size / 2**20:.1f}")


def version_text(row: DocumentRow) -> str:
    if row.superseded_by_number:
        return ui.t("evidence.version.superseded_by", number=row.superseded_by_number)
    if row.supersedes_number:
        return ui.t("evidence.version.supersedes", number=row.supersedes_number)
    return ""
