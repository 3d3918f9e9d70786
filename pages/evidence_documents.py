import streamlit as st

from dashboard import evidence_room, evidence_ui, organisation, ui
from dashboard.evidence_room import DocumentFilter
from dashboard.i18n import labels

actor = ui.page_actor(page="evidence")
tr = ui.tr()
st.title(tr("evidence.documents.title"))
st.caption(tr("evidence.documents.intro"))

entities = {e.id: e.name for e in ui.call(organisation.list_entities, True, actor=actor).value or []}
kinds = ui.call(evidence_room.list_kinds, actor=actor).value or []

left, middle, right = st.columns(3)
entity_id = left.selectbox(tr("evidence.filter.entity"), [None, *entities], key="ev_entity",
                           format_func=lambda i: tr("common.all") if i is None else entities[i])
kind = middle.selectbox(tr("evidence.filter.kind"), ["", *kinds], key="ev_kind",
                        format_func=lambda k: labels.document_kind(tr, k) if k else tr("common.all"))
case_ref = right.text_input(tr("evidence.filter.case"), key="ev_case")
left, middle, right = st.columns(3)
text = left.text_input(tr("evidence.filter.text"), key="ev_text")
date_from = middle.date_input(tr("evidence.filter.issued_from"), value=None, key="ev_from", format="DD/MM/YYYY")
date_to = right.date_input(tr("common.to"), value=None, key="ev_to", format="DD/MM/YYYY")
flt = DocumentFilter(entity_id=entity_id, kind=kind, case_ref=case_ref, text=text, date_from=date_from,
                     date_to=date_to)

page_size = 25
total = ui.call(evidence_room.count_documents, flt, actor=actor).value or 0
page = ui.paginator("evidence", total, page_size)
result = ui.call(evidence_room.search_documents, flt, page, page_size, actor=actor).value
rows = result.rows if result else []
if not rows:
    st.info(tr("evidence.documents.none"))
else:
    st.dataframe(
        [{tr("evidence.col.number"): r.number, tr("evidence.col.title"): r.title,
          tr("evidence.col.version"): evidence_ui.version_text(r), tr("evidence.col.case"): r.case_ref,
          tr("evidence.col.entity"): entities.get(r.entity_id, ""),
          tr("evidence.col.issued_at"): tr.datetime(r.issued_at),
          tr("evidence.col.issued_by"): r.issued_by_name, tr("evidence.col.kind"): labels.document_kind(tr, r.kind)} for r in rows],
        hide_index=True, width="stretch",
    )

# ------------------------------------------------------------------ one document

listed = {r.id: f"{r.number} — {r.title}" for r in rows}
if "_ev_open_next" in st.session_state:  # set after a signed copy was filed: open the new version
    st.session_state["ev_open"] = st.session_state.pop("_ev_open_next")
chosen = st.session_state.get("ev_open")
options = [None, *listed] + ([chosen] if chosen is not None and chosen not in listed else [])
if len(options) > 1:
        st.selectbox(tr("evidence.documents.open"), options, key="ev_open",
                 format_func=lambda i: "—" if i is None else listed.get(i, tr("evidence.documents.linked", id=i)))
document_id = st.session_state.get("ev_open")
if document_id is not None:
    row = ui.call(evidence_room.document_detail, document_id, actor=actor).value
    if row is not None:
        st.subheader(f"{row.number} — {ui.literal(row.title)}")
        st.dataframe(
            [{tr("evidence.detail.field"): label, tr("evidence.detail.value"): value} for label, value in (
                (tr("evidence.col.kind"), labels.document_kind(tr, row.kind)),
                (tr("evidence.col.case"), row.case_ref or "—"),
                (tr("evidence.col.entity"), entities.get(row.entity_id, "—")),
                (tr("evidence.col.issued_at"), tr.datetime(row.issued_at)),
                (tr("evidence.col.issued_by"), row.issued_by_name),
                (tr("evidence.detail.filename"), f"{row.filename} ({evidence_ui.size_text(row.size)})"),
                (tr("evidence.detail.code"), row.verification_code),
                (tr("evidence.detail.sha256"), row.sha256),
            )],
            hide_index=True, width="stretch",
        )

        def _open(target: int) -> None:
            st.session_state["ev_open"] = target

        if row.supersedes_id is not None:
            st.button(tr("evidence.version.open_older", number=row.supersedes_number), key="ev_older",
                      on_click=_open, args=(row.supersedes_id,), icon=":material/history:")
        if row.superseded_by_id is not None:
            st.warning(tr("evidence.version.superseded_by", number=row.superseded_by_number))
            st.button(tr("evidence.version.open_newer", number=row.superseded_by_number), key="ev_newer",
                      on_click=_open, args=(row.superseded_by_id,), icon=":material/update:")

        reason = evidence_ui.reason_input("ev_reason")
        evidence_ui.document_download(actor, row.id, reason, key=f"ev_doc_{row.id}")

        if not actor.is_read_only and row.media_type == "application/pdf" and row.superseded_by_id is None:
            with st.expander(tr("evidence.signed.title"), icon=":material/draw:"):
                st.caption(tr("evidence.signed.help"))
                scan = st.file_uploader(tr("evidence.signed.upload"), type=["pdf"], key=f"ev_scan_{row.id}")
                if st.button(tr("evidence.signed.submit"), key=f"ev_scan_submit_{row.id}", disabled=scan is None):
                    saved = ui.call(evidence_room.record_signed_copy, row.id, scan.name, scan.getvalue(), actor=actor)
                    if saved.ok:
                        ui.flash("evidence.signed.done", number=saved.value.number, older=row.number)
                        st.session_state["_ev_open_next"] = saved.value.id
                        st.rerun()
