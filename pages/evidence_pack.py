import streamlit as st

from dashboard import audit_pack, evidence, evidence_room, evidence_ui, organisation, ui
from dashboard.form_state import CaseForms
from models.clock import paris_today
from models.roles import Capability

actor = ui.page_actor(Capability.READ_AUDIT_TRAIL, page="audit-pack")
tr = ui.tr()
PACK_KEY = "_audit_pack"
st.title(tr("evidence.pack.page_title"))
st.caption(tr("evidence.pack.intro"))

entities = {e.id: e.name for e in ui.call(organisation.list_entities, True, actor=actor).value or []}
start, end = audit_pack.default_period(paris_today())
packs = CaseForms("audit_pack")  # a new generation after each pack built
with st.form(packs.key("form")):
    scopes = [*([None] if actor.entity_ids is None else []), *entities]  # a local auditor: one of his entities
    entity_id = st.selectbox(tr("evidence.filter.entity"), scopes, key="pack_entity",
                             format_func=lambda i: tr("evidence.pack.all_entities") if i is None else entities[i])
    left, right = st.columns(2)
    date_from = left.date_input(tr("common.from"), value=start, key="pack_from", format="DD/MM/YYYY")
    date_to = right.date_input(tr("common.to"), value=end, key="pack_to", format="DD/MM/YYYY")
    reason = evidence_ui.reason_input("pack_reason")
    if st.form_submit_button(tr("evidence.pack.build"), type="primary", icon=":material/folder_zip:"):
        outcome = st.session_state[PACK_KEY] = {}  # filled with no Streamlit call: see CaseForms
        with st.spinner(tr("evidence.pack.building")):
            built = ui.call(audit_pack.build_audit_pack, {"date_from": date_from, "date_to": date_to,
                                                          "entity_id": entity_id, "reason": reason}, actor=actor)
            outcome["pack"] = built.value
            # before the spinner ends, where a second click made during the build (someone who
            # thinks the first did nothing) would start its run: that run finds the form of the
            # next generation, which it did not press
            packs.done(built, "")


def _zip(document_id: int) -> bytes:
    """Run by Streamlit outside the page's run, when the button is clicked: a failure is logged
    and the browser told the file could not be made (never an empty ZIP)."""
    read = ui.call(audit_pack.pack_content, document_id, actor=actor, quiet=True)
    if not read.ok:
        raise RuntimeError(f"audit pack {document_id} could not be read back")
    return read.value


pack = st.session_state.get(PACK_KEY, {}).get("pack")
if pack is not None:
    st.success(tr("evidence.pack.built_ok", number=pack.number, documents=pack.documents, registers=pack.registers,
                  trail=pack.trail_entries), icon=":material/verified:")
    st.markdown(tr("evidence.pack.fingerprint", sha256=pack.sha256, code=pack.verification_code,
                   size=evidence_ui.size_text(pack.size)))
    # A callable: the ZIP is read from the registry only when the button is clicked (the session
    # keeps the pack's facts, not its bytes), and Streamlit's media store drops its copy at the next
    # clean-up; the launcher serves /media/ to a live session only.
    st.download_button(tr("evidence.documents.save", filename=pack.filename), data=lambda: _zip(pack.document_id),
                       file_name=pack.filename, mime="application/zip", key="pack_save", on_click="ignore",
                       type="primary", icon=":material/save:")

st.subheader(tr("evidence.pack.previous"))
previous = ui.call(evidence_room.search_documents, evidence_room.DocumentFilter(kind=evidence.PACK_KIND), 1, 10,
                   actor=actor).value
if previous and previous.rows:
    st.dataframe([{tr("evidence.col.number"): r.number, tr("evidence.col.title"): r.title,
                   tr("evidence.col.issued_at"): tr.datetime(r.issued_at),
                   tr("evidence.col.issued_by"): r.issued_by_name,
                   tr("evidence.detail.sha256"): r.sha256} for r in previous.rows], hide_index=True, width="stretch")
    st.caption(tr("evidence.pack.previous_hint", total=previous.total))
else:
    st.info(tr("evidence.pack.none_yet"))
