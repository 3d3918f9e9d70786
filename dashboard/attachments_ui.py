"""The "Attachments" section every case page draws (UI layer: imports streamlit):
the list, the two-step download (fetch, which is logged, then save), the verify
button and the upload form. The use cases are in dashboard.attachments."""

import streamlit as st

from dashboard import attachments, config, ui
from dashboard.actor import Actor
from dashboard.evidence_ui import size_text
from dashboard.form_state import CaseForms
from models.attachment import KINDS


def _verify(actor: Actor, attachment_id: int) -> None:
    result = ui.call(attachments.verify, attachment_id, actor=actor)
    if result.ok:
        check = result.value
        if check.intact:
            st.success(ui.t("attachment.verify.intact", name=ui.literal(check.filename)), icon=":material/verified:")
        else:
            st.error(ui.t("attachment.verify.altered", name=ui.literal(check.filename), recorded=check.recorded,
                          actual=check.actual), icon=":material/gpp_bad:")


def _fetch(actor: Actor, attachment_id: int, reason: str, key: str) -> None:
    result = ui.call(attachments.download, attachment_id, reason, actor=actor)
    if result.ok:
        file = result.value
        st.download_button(ui.t("evidence.documents.save", filename=ui.literal(file.filename)), data=lambda: file.content,
                           file_name=file.filename, mime=file.media_type, key=f"{key}_save", on_click="ignore",
                           type="primary", icon=":material/save:")


def attachments_section(actor: Actor, case_type: str, case_id: int, *, reason: str | None = None) -> None:
    """The case's attachments. `reason`: the reason the page already asked for, offered again."""
    tr = ui.tr()
    st.subheader(tr("attachment.section"))
    st.caption(tr("attachment.help"))
    listing = ui.call(attachments.list_attachments, case_type, case_id, actor=actor).value
    if listing is None:
        return
    case = listing.case
    prefix = f"att_{case_type}_{case_id}"
    if f"{prefix}_reason" not in st.session_state:
        st.session_state[f"{prefix}_reason"] = reason or ""
    stated = st.text_input(tr("attachment.reason_label"), key=f"{prefix}_reason", max_chars=500)
    if case.handles:
        st.caption(tr("attachment.reason_implicit"))
    if listing.rows:
        st.dataframe([{tr("attachment.col.name"): row.filename, tr("attachment.col.kind"): tr(f"attachment.kind.{row.kind}"),
                       tr("attachment.col.description"): row.description,
                       tr("attachment.col.size"): size_text(row.size), tr("attachment.col.sha256"): row.sha256[:12],
                       tr("attachment.col.by"): row.uploaded_by_name, tr("attachment.col.at"): tr.datetime(row.uploaded_at)}
                      for row in listing.rows], hide_index=True, width="stretch")
        for row in listing.rows:
            name, fetch, check = st.columns([4, 1, 1], vertical_alignment="center")
            name.markdown(f"**{ui.literal(row.filename)}** — {tr(f'attachment.kind.{row.kind}')} — "
                          f"`{row.sha256[:12]}`")
            key = f"{prefix}_{row.id}"
            with fetch:
                if st.button(tr("attachment.download"), key=f"{key}_fetch", icon=":material/download:"):
                    _fetch(actor, row.id, stated, key)
            with check:
                if st.button(tr("attachment.verify"), key=f"{key}_verify", icon=":material/fact_check:"):
                    _verify(actor, row.id)
    else:
        st.caption(tr("attachment.none"))
    if not case.can_attach:
        st.caption(tr("attachment.read_only"))
        return
    forms = CaseForms(f"att_{case_type}", case_id)
    with st.expander(tr("attachment.add"), key=f"{prefix}_add_open"), st.form(forms.key("form")):
        st.caption(tr("attachment.accepted", max_mb=round(config.attachment_max_bytes() / 1048576)))
        st.caption(tr("attachment.no_identity_copy"))
        upload = st.file_uploader(tr("field.attachment_file"), key=forms.key("file"),
                                  type=["pdf", "eml", "csv", "txt", "json", "zip", "xlsx"])
        kind = st.selectbox(tr("field.attachment_kind"), KINDS, index=None, key=forms.key("kind"),
                            format_func=lambda k: tr(f"attachment.kind.{k}"), placeholder=tr("attachment.choose_kind"))
        description = st.text_input(tr("field.attachment_description"), key=forms.key("description"), max_chars=300)
        if st.form_submit_button(tr("attachment.submit"), type="primary"):
            if upload is None:
                st.error(tr("attachment.choose_file"))
            else:
                forms.done(ui.call(attachments.upload, case_type, case_id, filename=upload.name,
                                   content=upload.getvalue(), kind=kind or "", description=description,
                                   reason=stated, actor=actor), "attachment.uploaded")
