import hashlib
from pathlib import Path

import streamlit as st

from dashboard import group_view, organisation, register, register_io, ui
from exports import register_sheet
from models.clock import paris_today
from models.roles import Capability, Role

ACTIVITY_PAGE = str(Path(__file__).with_name("register_activity.py"))
PAGE_SIZE = 25

actor = ui.page_actor(page="register")
tr = ui.tr()
st.title(tr("register.title"))
st.caption(tr(f"register.intro.{actor.role}"))

entities = ui.call(organisation.list_entities, actor=actor).value or []
departments = ui.call(organisation.list_departments, actor=actor).value or []
entity_names = {e.id: e.name for e in entities}
department_names = {d.id: d.name for d in departments
                    if actor.covers_department(d.id, d.entity_id)}

drafts = ui.call(register.list_activities, register.RegisterFilter(status="draft"), 1, 1, actor=actor).value
due = ui.call(register.count_reviews_due, actor=actor).value
everything = ui.call(register.list_activities, register.RegisterFilter(), 1, 1, actor=actor).value
left, middle, right = st.columns(3)
left.metric(tr("register.metric.entries"), everything.total if everything else 0)
middle.metric(tr("register.metric.drafts"), drafts.total if drafts else 0)
right.metric(tr("register.metric.reviews_due"), due or 0)

if len(entity_names) > 1:  # the group DPO's consolidated view: every entity side by side
    view_mode = st.segmented_control(tr("group.view.label"), ["whole", "by_entity"], default="whole",
                                     key="reg_group_view", format_func=lambda v: tr(f"group.view.{v}"))
    if view_mode == "by_entity":
        counts = ui.call(group_view.register_by_entity, actor=actor).value or []
        st.dataframe([{tr("group.view.entity"): c.entity_name or tr("group.view.total"),
                       tr("register.metric.entries"): c.entries, tr("register.metric.drafts"): c.drafts,
                       tr("group.view.validated"): c.validated,
                       tr("register.metric.reviews_due"): c.reviews_due} for c in counts],
                     hide_index=True, width="stretch")

with st.container(border=True):
    c1, c2, c3, c4 = st.columns([2, 2, 1.3, 2])
    entity_id = c1.selectbox(tr("register.col.entity"), [None, *entity_names], key="reg_entity",
                             format_func=lambda i: tr("register.all") if i is None else entity_names[i])
    department_id = c2.selectbox(tr("register.col.department"), [None, *department_names], key="reg_department",
                                 format_func=lambda i: tr("register.all") if i is None else department_names[i])
    status = c3.selectbox(tr("register.col.status"), [None, "draft", "validated"], key="reg_status",
                          format_func=lambda s: tr("register.all") if s is None else tr(f"register.status.{s}"))
    text = c4.text_input(tr("register.search"), key="reg_text")
    review_due = st.toggle(tr("register.only_reviews_due"), key="reg_due")

flt = register.RegisterFilter(entity_id=entity_id, department_id=department_id, status=status, text=text,
                              review_due=review_due)
total = (ui.call(register.list_activities, flt, 1, 1, actor=actor).value or register.RegisterPage([], 0)).total
page = ui.paginator("register", total, PAGE_SIZE)
result = ui.call(register.list_activities, flt, page, PAGE_SIZE, actor=actor).value
rows = result.rows if result else []
today = paris_today()


def _review(row: register.ActivityRow) -> str:
    state = row.review_state(today)
    shown = tr.date(row.next_review_on) if row.next_review_on else "—"
    return f"{shown} — {tr(f'register.review_{state}')}" if state else shown


if rows:
    st.dataframe([{tr("register.col.reference"): r.reference, tr("register.col.name"): r.name,
                   tr("register.col.entity"): r.entity_name, tr("register.col.department"): r.department_name,
                   tr("register.col.status"): tr(f"register.status.{r.status}"),
                   tr("register.col.next_review_on"): _review(r)} for r in rows],
                 hide_index=True, width="stretch")
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(tr("register.open_label"), list(by_id), key="reg_open_choice",
                          format_func=lambda i: f"{by_id[i].reference} — {by_id[i].name}")
    if st.button(tr("register.open"), key="reg_open", icon=":material/open_in_new:"):
        st.switch_page(ACTIVITY_PAGE, query_params={"id": str(chosen)})
else:
    st.info(tr("common.empty"))

if not actor.is_read_only and st.button(tr("register.new"), key="reg_new", icon=":material/add:"):
    st.switch_page(ACTIVITY_PAGE, query_params={"id": "new"})

st.subheader(tr("register.exports"))
st.caption(tr("register.exports_help"))
export_entity = st.selectbox(tr("register.col.entity"), [None, *entity_names], key="reg_export_entity",
                             format_func=lambda i: tr("register.all") if i is None else entity_names[i])
c1, c2, c3 = st.columns(3)
for column, fmt in ((c1, "csv"), (c2, "xlsx")):
    built = st.session_state.get(f"reg_export_{fmt}")
    if column.button(tr(f"register.prepare_{fmt}"), key=f"reg_prepare_{fmt}", icon=":material/table:"):
        built = ui.call(register_io.export_register, fmt, export_entity, ui.lang(), actor=actor).value
        st.session_state[f"reg_export_{fmt}"] = built
    if built:
        column.download_button(tr(f"register.download_{fmt}"), built.data, file_name=built.filename,
                               mime=built.media_type, key=f"reg_download_{fmt}", icon=":material/download:")

if actor.can(Capability.WORK_ALL_CASES):
    with c3:
        pdf_entity = st.selectbox(tr("register.pdf_entity"), list(entity_names), key="reg_pdf_entity",
                                  format_func=entity_names.get)
        include_drafts = st.checkbox(tr("register.include_drafts"), value=True, key="reg_pdf_drafts")
        if st.button(tr("register.issue_pdf"), key="reg_issue_pdf", icon=":material/picture_as_pdf:") and pdf_entity:
            document = ui.call(register_io.issue_register_pdf, pdf_entity, include_drafts, ui.lang(),
                               actor=actor).value
            st.session_state["reg_pdf"] = document
        document = st.session_state.get("reg_pdf")
        if document:
            st.caption(tr("register.pdf_issued", number=document.number, code=document.verification_code))
            st.download_button(tr("common.download_pdf"), document.content, file_name=document.filename,
                               mime="application/pdf", key="reg_download_pdf", icon=":material/download:")

    st.subheader(tr("register.import"))
    st.caption(tr("register.import_help"))
    upload = st.file_uploader(tr("register.import_file"), type=["csv", "xlsx", "ods"], key="reg_upload")
    data = upload.getvalue() if upload is not None else b""
    shown = st.session_state.get("reg_import_preview")
    if shown and (upload is None or shown[0] != (upload.name, hashlib.sha256(data).hexdigest())):
        del st.session_state["reg_import_preview"]  # another file: its preview no longer applies
        shown = None
    done = st.session_state.pop("reg_import_done", None)
    if done:
        st.success(tr("register.import.done", created=done.created, updated=done.updated, unchanged=done.unchanged))

    def _show_problems(error) -> None:
        if isinstance(error, register_io.ImportRejected):
            st.error(tr(error.key, **ui.literal_params(error.params)))
            st.dataframe([{tr("register.import.line"): p.line, tr("register.import.column"): p.column or "—",
                           tr("register.import.item"): p.item or "—",
                           tr("register.import.problem"): tr(p.key, **ui.literal_params(p.params))}
                          for p in error.problems], hide_index=True, width="stretch")
        elif error is not None:
            ui.show_error(error)
        else:
            st.error(tr("error.unexpected"))

    if st.button(tr("register.import_preview"), key="reg_import", disabled=upload is None):
        outcome = ui.call(register_io.preview_register_import, upload.name, data, tr.language, actor=actor, quiet=True)
        if outcome.ok:
            shown = ((upload.name, hashlib.sha256(data).hexdigest()), outcome.value)
            st.session_state["reg_import_preview"] = shown
        else:
            _show_problems(outcome.error)
    if shown:
        preview = shown[1]
        counts = preview.result
        st.info(tr("register.import.preview_title", created=counts.created, updated=counts.updated,
                   unchanged=counts.unchanged))
        lines = []
        for entry in preview.entries:
            if entry.action == "unchanged":
                continue
            base = {tr("register.import.line"): entry.line,
                    tr("register.import.entry"): f"{entry.reference} — {entry.name}",
                    tr("register.import.action"): tr(f"register.import.action.{entry.action}")}
            for change in entry.changes or (None,):
                lines.append({**base, tr("register.import.field"): register_sheet.column_label(tr, change.column)
                              if change else "—", tr("register.import.before"): change.before if change else "",
                              tr("register.import.after"): change.after if change else ""})
        if lines:
            st.dataframe(lines, hide_index=True, width="stretch")
            if st.button(tr("register.import_confirm"), key="reg_import_confirm", type="primary"):
                outcome = ui.call(register_io.import_register, upload.name, data, confirm=preview.token, actor=actor,
                                  quiet=True)
                st.session_state.pop("reg_import_preview", None)
                if outcome.ok:
                    st.session_state["reg_import_done"] = outcome.value
                    st.rerun()
                _show_problems(outcome.error)
        else:
            st.success(tr("register.import.nothing_to_do"))

if actor.role == Role.DEPARTMENT_HEAD:
    st.caption(tr("register.head_note"))
