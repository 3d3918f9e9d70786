from pathlib import Path

import streamlit as st

from dashboard import activities, ui
from dashboard.dpia import cases, documents
from dashboard.dpia.common import can_edit
from dashboard.form_state import CaseForms
from models.dpia_rules import DpiaStatus

actor = ui.page_actor(page="dpia")
tr = ui.tr()
DETAIL = str(Path(__file__).with_name("dpia_detail.py"))
st.title(tr("dpia.register.title"))
st.caption(tr("dpia.register.intro"))

left, middle, right = st.columns([2, 1, 1])
text = left.text_input(tr("dpia.register.filter_text"), key="dpia_filter_text")
status = middle.selectbox(tr("dpia.register.filter_status"), ["", *DpiaStatus], key="dpia_filter_status",
                          format_func=lambda s: tr(f"dpia.status.{s}") if s else tr("common.all"))
right.write("")
overdue_only = right.checkbox(tr("dpia.register.filter_overdue"), key="dpia_filter_overdue")
flt = cases.DpiaFilter(text=text, status=status, overdue_only=overdue_only)
page_size = 25
total = ui.call(cases.count_dpias, flt, actor=actor).value or 0
page = ui.paginator("dpia", total, page_size)
result = ui.call(cases.list_dpias, flt, page, page_size, actor=actor).value
rows = result.rows if result else []
if rows:
    columns = [tr("dpia.col.reference"), tr("dpia.col.status"), tr("dpia.col.title"), tr("dpia.col.entity"),
               tr("dpia.col.review_date"), tr("dpia.col.overdue"), tr("dpia.col.prior_consultation")]
    st.dataframe(
        [dict(zip(columns, (r.reference, tr(f"dpia.status.{r.status}"), r.title, r.entity_name, tr.date(r.review_date),
                            str(r.overdue_actions or "—"), "⚠ " + tr("common.yes") if r.prior_consultation else "—")))
         for r in rows],
        hide_index=True, width="stretch",
        column_config={columns[2]: st.column_config.TextColumn(width="large"),
                       columns[3]: st.column_config.TextColumn(width="small")})
    by_id = {r.id: r for r in rows}
    choice, go = st.columns([3, 1])
    selected = choice.selectbox(tr("dpia.register.open"), list(by_id), key="dpia_open_choice",
                                format_func=lambda i: f"{by_id[i].reference} — {by_id[i].title}")
    go.write("")
    if go.button(tr("dpia.register.open_button"), key="dpia_open", type="primary") and selected is not None:
        st.switch_page(DETAIL, query_params={"id": str(selected)})
else:
    st.info(tr("dpia.register.empty"))

if can_edit(actor):
    choices = ui.call(activities.activity_choices, actor=actor).value or []
    labels = {c.id: c.label for c in choices}
    new_forms = CaseForms("dpia_new")
    with st.expander(tr("dpia.register.new"), icon=":material/add:", key="dpia_register_new_open"):
        with st.form(new_forms.key("form")):
            activity_id = st.selectbox(tr("dpia.field.activity"), list(labels), format_func=labels.get,
                                       key=new_forms.key("activity"), index=None, placeholder=tr("dpia.field.choose"))
            title = st.text_input(tr("dpia.field.title"), key=new_forms.key("title"), max_chars=300)
            st.caption(tr("dpia.suggest.create_hint"))
            submitted = st.form_submit_button(tr("common.create"), type="primary")
        if submitted and activity_id is None:
            st.error(tr("dpia.register.choose_activity"))
        elif submitted:
            created = ui.call(cases.create_dpia, {"activity_id": activity_id, "title": title}, actor=actor)
            if created.ok:
                new_forms.opened(created.value.id, DETAIL, "dpia.register.created", reference=created.value.reference)
    import_forms = CaseForms("dpia_import")
    with st.expander(tr("dpia.import.title"), icon=":material/upload_file:", key="dpia_register_import_open"):
        st.caption(tr("dpia.import.help"))
        with st.form(import_forms.key("form")):
            activity_id = st.selectbox(tr("dpia.field.activity"), list(labels), format_func=labels.get,
                                       key=import_forms.key("activity"), index=None,
                                       placeholder=tr("dpia.field.choose"))
            upload = st.file_uploader(tr("dpia.import.file"), type=["json"], key=import_forms.key("file"))
            submitted = st.form_submit_button(tr("dpia.import.preview_submit"), type="primary")
        if submitted and (activity_id is None or upload is None):
            st.error(tr("dpia.import.choose"))
        elif submitted:  # read and checked whole, nothing written: shown before it is confirmed
            previewed = ui.call(documents.preview_json, activity_id, upload.getvalue(), actor=actor)
            if previewed.ok:
                st.session_state["dpia_import_pending"] = (activity_id, upload.getvalue(), previewed.value)
        pending = st.session_state.get("dpia_import_pending")
        if pending is not None:
            pending_activity, content, preview = pending
            st.markdown(f"**{tr('dpia.import.preview_title')}** — " + ui.literal(preview.title))
            st.caption(tr("dpia.import.preview_counts", answers=preview.answers, evaluations=preview.evaluations,
                          measures=preview.measures, risks=preview.risks, comments=preview.comments,
                          status=tr(f"dpia.status.{preview.status}")))
            for notice in preview.notices:
                st.warning(tr(notice))
            if preview.ignored:
                st.info(tr("dpia.import.preview_ignored", count=len(preview.ignored)))
                st.code("\n".join(preview.ignored), language=None)
            if st.button(tr("dpia.import.submit"), type="primary", key=import_forms.key("confirm")):
                imported = ui.call(documents.import_json, pending_activity, content, actor=actor)
                if imported.ok:  # the form starts empty; the outcome stays shown while the user is on the page
                    import_forms.reset()  # first: see CaseForms
                    import_forms.fixed("outcome", lambda: (imported.value.dpia.id, imported.value.dpia.reference,
                                                           list(imported.value.notices)))
                    st.session_state.pop("dpia_import_pending", None)
                    st.rerun()
        outcome = import_forms.fixed("outcome", lambda: None)
        if outcome is not None:
            dpia_id, reference, notices = outcome
            for notice in notices:
                st.warning(tr(notice))
            st.success(tr("dpia.import.done", reference=reference))
            st.page_link(DETAIL, label=tr("dpia.import.open", reference=reference),
                         query_params={"id": str(dpia_id)}, icon=":material/open_in_new:")
