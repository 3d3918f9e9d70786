"""Streamlit widgets the evidence pages share: the stated reason for consulting
documents and the two-step download (fetch, which is logged, then save)."""

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
    if st.button(ui.t("evidence.documents.fetch"), key=f"{key}_fetch", icon=":material/download:"):
        result = ui.call(evidence_room.download, document_id, reason, actor=actor)
        if result.ok:
            document = result.value
            st.download_button(ui.t("evidence.documents.save", filename=document.filename), data=lambda: document.content,
                               file_name=document.filename, mime=document.media_type, key=f"{key}_save",
                               on_click="ignore", type="primary", icon=":material/save:")


def size_text(size: int) -> str:
    return ui.t("evidence.size_kb", kb=max(1, round(size / 1024))) if size < 2**20 else \
        ui.t("evidence.size_mb", mb=f"{size / 2**20:.1f}")


def version_text(row: DocumentRow) -> str:
    if row.superseded_by_number:
        return ui.t("evidence.version.superseded_by", number=row.superseded_by_number)
    if row.supersedes_number:
        return ui.t("evidence.version.supersedes", number=row.supersedes_number)
    return ""
