import streamlit as st

from dashboard import audit_trail, organisation, ui
from dashboard.i18n import labels
from models.roles import Capability

actor = ui.page_actor(Capability.READ_AUDIT_TRAIL, page="audit-trail")
tr = ui.tr()
CHAIN_KEY = "_chain_status"
st.title(tr("audit.title"))

# ------------------------------------------------------------------ the chain, checked on arrival

status_box = st.container()  # the result first, the button to check again below it
if st.button(tr("audit.verify"), key="verify_chain", icon=":material/verified:"):
    with st.spinner(tr("audit.verifying")):
        st.session_state[CHAIN_KEY] = ui.call(audit_trail.verify, actor=actor).value
elif CHAIN_KEY not in st.session_state:  # once per session: verified at once unless the chain is very long
    with st.spinner(tr("audit.verifying")):
        st.session_state[CHAIN_KEY] = ui.call(audit_trail.verify_on_arrival, actor=actor).value
status = st.session_state.get(CHAIN_KEY)
if status is None:
    past = ui.call(audit_trail.last_verification, actor=actor).value
    if past is not None:
        key = "audit.chain.last_intact" if past.intact else "audit.chain.last_broken"
        status_box.info(tr(key, at=tr.datetime(past.at), by=past.actor_name, checked=past.checked,
                           seq=past.broken_seq, entries=past.entries), icon=":material/history:")
    status_box.caption(tr("audit.chain.long", limit=audit_trail.AUTO_VERIFY_MAX_ENTRIES))
else:
    checked_at = tr("audit.chain.checked_at", at=tr.datetime(status.checked_at))
    if status.intact:
        status_box.success(f"{tr('audit.chain.intact', checked=status.checked)} {checked_at}",
                           icon=":material/verified:")
    else:
        status_box.error(f"{tr(status.problem, seq=status.broken_seq)} {tr(status.cause, seq=status.broken_seq)} "
                         f"{checked_at}", icon=":material/gpp_bad:")
        if status.entry is not None:
            e = status.entry
            status_box.caption(tr("audit.chain.entry_now"))
            status_box.dataframe([{tr("audit.col.seq"): e.seq, tr("audit.col.at"): tr.datetime(e.at),
                                   tr("audit.col.actor"): e.actor_name,
                                   tr("audit.col.action"): labels.action_label(tr, e.action),
                                   tr("audit.col.object"): labels.object_text(tr, e.object_ref, e.object_type),
                                   tr("audit.col.reason"): tr.maybe(e.reason),
                                   tr("audit.col.details"): labels.describe(tr, e.details, e.action)}],
                                 hide_index=True, width="stretch")

# ------------------------------------------------------------------ search

entities = {e.id: e.name for e in ui.call(organisation.list_entities, True, actor=actor).value or []}
actions = ui.call(audit_trail.list_actions, actor=actor).value or []
left, middle, right = st.columns(3)
text = left.text_input(tr("audit.filter.text"), key="audit_text")
who = middle.text_input(tr("audit.filter.actor"), key="audit_actor")
action = right.selectbox(tr("audit.filter.action"), ["", *actions], key="audit_action",
                         format_func=lambda a: labels.action_label(tr, a) if a else tr("common.all"))
left, middle, right, last = st.columns(4)
record = left.text_input(tr("audit.filter.record"), key="audit_record")
entity_id = middle.selectbox(tr("audit.filter.entity"), [None, *entities], key="audit_entity",
                             format_func=lambda i: tr("common.all") if i is None else entities[i])
date_from = right.date_input(tr("common.from"), value=None, key="audit_from", format="DD/MM/YYYY")
date_to = last.date_input(tr("common.to"), value=None, key="audit_to", format="DD/MM/YYYY")
flt = audit_trail.TrailFilter(text=text, actor=who, action=action, record=record, entity_id=entity_id,
                              date_from=date_from, date_to=date_to)
if flt != audit_trail.TrailFilter() and not ui.logged("audit-search", flt):  # each new search, once
    if ui.call(audit_trail.log_search, flt, actor=actor).ok:
        ui.mark_logged("audit-search", flt)

page_size = 50
total = ui.call(audit_trail.count, flt, actor=actor).value or 0
page = ui.paginator("audit", total, page_size)
result = ui.call(audit_trail.search, flt, page, page_size, actor=actor).value
entries = result.entries if result else []
named = {"entity_id": entities}
if entries:
    st.dataframe(
        [{tr("audit.col.seq"): e.seq, tr("audit.col.at"): tr.datetime(e.at), tr("audit.col.actor"): e.actor_name,
          tr("audit.col.action"): labels.action_label(tr, e.action),
          tr("audit.col.object"): labels.object_text(tr, e.object_ref, e.object_type),
          tr("audit.col.entity"): entities.get(e.entity_id, ""), tr("audit.col.reason"): tr.maybe(e.reason),
          tr("audit.col.changes"): labels.describe_changes(tr, e.details, e.action, lookups=named),
          tr("audit.col.details"): labels.describe(tr, e.details, e.action, with_changes=False, lookups=named)}
         for e in entries],
        hide_index=True, width="stretch",
    )
    by_seq = {e.seq: e for e in entries}
    seq = st.selectbox(tr("audit.entry.open"), [None, *by_seq], key="audit_open",
                       format_func=lambda s: "—" if s is None else
                       f"n° {s} — {labels.action_label(tr, by_seq[s].action)} {by_seq[s].object_ref}")
    if seq is not None:
        entry = by_seq[seq]
        changes = labels.changes(tr, entry.details, entry.action, lookups=named)
        if changes:
            st.markdown(f"**{tr('audit.entry.changes')}**")
            st.dataframe([{tr("audit.col.field"): name, tr("audit.col.before"): before, tr("audit.col.after"): after}
                          for name, before, after in changes], hide_index=True, width="stretch")
        rest = [(labels.field_label(tr, name, entry.action), labels.value_text(tr, name, value, entry.action, named))
                for name, value in (entry.details or {}).items() if name != labels.CHANGES]
        if rest:
            st.markdown(f"**{tr('audit.col.details')}**")
            st.dataframe([{tr("evidence.detail.field"): name, tr("evidence.detail.value"): value} for name, value in rest],
                         hide_index=True, width="stretch")
        if isinstance(entry.details, dict) and entry.details.get("sealed") and st.button(
                tr("own_retention.sealed.show"), key=f"audit_sealed_{seq}", icon=":material/lock_open:"):
            opened = ui.call(audit_trail.sealed_part, seq, actor=actor)
            if opened.ok:
                sealed_changes = labels.changes(tr, opened.value, entry.action, lookups=named)
                if sealed_changes:
                    st.dataframe([{tr("audit.col.field"): name, tr("audit.col.before"): before,
                                   tr("audit.col.after"): after} for name, before, after in sealed_changes],
                                 hide_index=True, width="stretch")
                sealed_rest = [(labels.field_label(tr, name, entry.action),
                                labels.value_text(tr, name, value, entry.action, named))
                               for name, value in (opened.value or {}).items() if name != labels.CHANGES]
                if sealed_rest:
                    st.dataframe([{tr("evidence.detail.field"): name, tr("evidence.detail.value"): value}
                                  for name, value in sealed_rest], hide_index=True, width="stretch")
        st.caption(tr("audit.entry.hash", hash=entry.hash, prev=entry.prev_hash))
else:
    st.info(tr("common.empty"))

# ------------------------------------------------------------------ export

if st.button(tr("audit.export"), key="audit_export", icon=":material/table_view:", disabled=total == 0):
    exported = ui.call(audit_trail.export_csv, flt, tr.language, actor=actor)
    if exported.ok:
        st.download_button(tr("common.download_csv"), data=exported.value, file_name="journal-audit.csv",
                           mime="text/csv", key="audit_export_save", on_click="ignore", type="primary",
                           icon=":material/save:")
