import streamlit as st

from dashboard import audit_trail, ui
from models.roles import Capability

actor = ui.page_actor(Capability.READ_AUDIT_TRAIL, page="audit-trail")
tr = ui.tr()
st.title(tr("audit.title"))

if st.button(tr("audit.verify"), key="verify_chain", icon=":material/verified:"):
    report = ui.call(audit_trail.verify, actor=actor).value
    if report is not None:
        if report.intact:
            st.success(tr("audit.chain.intact", checked=report.checked))
        else:
            st.error(tr(report.problem, seq=report.broken_seq))

left, middle, right = st.columns([2, 1, 1])
text = left.text_input(tr("audit.filter.text"), key="audit_text")
date_from = middle.date_input(tr("common.from"), value=None, key="audit_from", format="DD/MM/YYYY")
date_to = right.date_input(tr("common.to"), value=None, key="audit_to", format="DD/MM/YYYY")
flt = audit_trail.TrailFilter(text=text, date_from=date_from, date_to=date_to)
page_size = 50
total = ui.call(audit_trail.count, flt, actor=actor).value or 0
page = ui.paginator("audit", total, page_size)
result = ui.call(audit_trail.search, flt, page, page_size, actor=actor).value
if result:
    st.dataframe(
        [{tr("audit.col.seq"): e.seq, tr("audit.col.at"): tr.datetime(e.at), tr("audit.col.actor"): e.actor_name,
          tr("audit.col.action"): e.action, tr("audit.col.object"): e.object_ref or e.object_type,
          tr("audit.col.reason"): tr.maybe(e.reason), tr("audit.col.details"): str(e.details or "")}
         for e in result.entries],
        hide_index=True, width="stretch",
    )
