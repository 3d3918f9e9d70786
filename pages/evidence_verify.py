import streamlit as st

from dashboard import evidence_ui, ui
from dashboard.evidence_room import MAX_UPLOAD_BYTES
from dashboard.i18n import labels
from dashboard.evidence_verification import Outcome, Verification, verify_file, verify_reference

actor = ui.page_actor(page="verify")
tr = ui.tr()
RESULT_KEY = "_verification"
LIMIT_MB = MAX_UPLOAD_BYTES // 2**20
st.title(tr("evidence.verify.title"))
st.caption(tr("evidence.verify.intro"))

upload = st.file_uploader(tr("evidence.verify.upload"), key="verify_file",
                          help=tr("evidence.verify.limit", limit_mb=LIMIT_MB))
# Verify each dropped file once: the page reruns on every click, the audit trail should not.
if upload is not None and st.session_state.get("_verified_file") != upload.file_id:
    st.session_state["_verified_file"] = upload.file_id
    st.session_state[RESULT_KEY] = ui.call(verify_file, upload.name, upload.getvalue(), actor=actor).value
elif upload is None:
    st.session_state.pop("_verified_file", None)

with st.form("verify_reference"):
    reference = st.text_input(tr("evidence.verify.reference"), key="verify_reference_text",
                              placeholder="XXXX-XXXX-XXXX", help=tr("evidence.verify.reference_help"))
    if st.form_submit_button(tr("evidence.verify.check"), icon=":material/search:"):
        st.session_state[RESULT_KEY] = ui.call(verify_reference, reference, actor=actor).value


def _facts(result: Verification) -> None:
    document = result.document
    rows = [(tr("evidence.col.number"), document.number), (tr("evidence.col.title"), document.title),
            (tr("evidence.col.kind"), labels.document_kind(tr, document.kind)), (tr("evidence.col.case"), document.case_ref or "—"),
            (tr("evidence.col.entity"), document.entity_name or "—"),
            (tr("evidence.col.issued_at"), tr.datetime(document.issued_at)),
            (tr("evidence.col.issued_by"), document.issued_by_name),
            (tr("evidence.detail.sha256"), document.sha256)]
    if result.sha256 and result.sha256 != document.sha256:
        rows.append((tr("evidence.verify.file_sha256"), result.sha256))
    st.dataframe([{tr("evidence.detail.field"): k, tr("evidence.detail.value"): v} for k, v in rows],
                 hide_index=True, width="stretch")
    if document.superseded_by:
        st.warning(tr("evidence.version.superseded_by", number=document.superseded_by))
    if document.visible:
        with st.expander(tr("evidence.verify.original")):
            reason = evidence_ui.reason_input("verify_reason")
            evidence_ui.document_download(actor, document.id, reason, key=f"verify_doc_{document.id}")


def _show(result: Verification) -> None:
    document = result.document
    if result.withheld:  # registered, but outside the user's scope: the outcome only
        show = st.error if result.outcome == Outcome.ALTERED else st.success
        show(tr(f"evidence.verify.withheld.{result.outcome}"), icon=":material/verified:"
             if result.outcome != Outcome.ALTERED else ":material/gpp_bad:")
        st.caption(tr("evidence.verify.withheld.scope"))
        return
    if result.outcome == Outcome.ISSUED:
        st.success(tr(f"evidence.verify.outcome.issued.{result.via}", number=document.number,
                      issued=tr.datetime(document.issued_at), by=ui.literal(document.issued_by_name)), icon=":material/verified:")
    elif result.outcome == Outcome.IN_PACK:
        st.success(tr("evidence.verify.outcome.in_pack", name=ui.literal(result.pack_file), number=document.number,
                      issued=tr.datetime(document.issued_at), by=ui.literal(document.issued_by_name)), icon=":material/verified:")
    elif result.outcome == Outcome.ALTERED:
        st.error(tr("evidence.verify.outcome.altered", number=document.number), icon=":material/gpp_bad:")
    elif result.outcome == Outcome.UNKNOWN:
        st.warning(tr(f"evidence.verify.outcome.unknown.{result.via}"), icon=":material/help:")
    elif result.outcome == Outcome.TOO_LARGE:
        st.error(tr("evidence.verify.outcome.too_large", size_mb=f"{result.size / 2**20:.1f}", limit_mb=LIMIT_MB))
    else:
        st.error(tr("evidence.verify.outcome.empty"))
    for note in result.notes:
        st.markdown(f"- {tr(note, claimed=ui.literal(', '.join(result.claimed)), number=document.number if document else '')}")
    if document is not None:
        _facts(result)
    elif result.sha256:
        st.caption(tr("evidence.verify.file_fingerprint", sha256=result.sha256))


result = st.session_state.get(RESULT_KEY)
if result is not None:
    st.divider()
    _show(result)
