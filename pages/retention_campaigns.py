"""The yearly data review: campaigns generated from the register's retention rules, the
departments' tasks (closed with method, date, who and proof, or kept under an exception),
the systems that hold each activity's data, and the certificates and board report."""

from datetime import timedelta

import streamlit as st

from dashboard import activities, evidence_ui, organisation, retention, retention_documents, ui
from dashboard.form_state import CaseForms
from models.clock import paris_today
from models.retention import DEFAULT_DUE_DAYS, EXCEPTION_GROUNDS, METHODS
from models.roles import Capability

actor = ui.page_actor(page="retention")
tr = ui.tr()
manager = actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only
st.title(tr("retention.title"))
st.caption(tr("retention.intro"))


def _what(task) -> str:
    category = task.category or tr("retention.all_categories")
    system = task.system or tr("retention.no_system")
    return f"{category} — {system}"


def _rule(task) -> str:
    text = tr("retention.rule_text", duration=task.duration, unit=tr(f"register.unit.{task.unit}"),
              start=task.start_event or "—")
    cutoff = (tr("retention.cutoff_text", date=tr.date(task.cutoff_on)) if task.cutoff_on
              else tr("retention.no_start_event"))
    return f"{text} ; {cutoff}"


def _state(row) -> str:
    task = row.task
    if task.status == "open":
        return tr("retention.state.late") if row.late else tr("retention.state.open")
    return tr(f"retention.status.{task.status}")


# ------------------------------------------------------------------ generate
if manager:
    entities = {e.id: e.name for e in ui.call(organisation.list_entities, actor=actor).value or []}
    with st.expander(tr("retention.generate"), icon=":material/playlist_add:"):
        gen = CaseForms("retention_generate")
        today = gen.fixed("today", paris_today)  # fixed when the form opens
        st.caption(tr("retention.generate_help"))
        with st.form(gen.key("form")):
            entity_id = st.selectbox(tr("retention.col.entity"), list(entities), format_func=entities.get,
                                     key=gen.key("entity"))
            as_of = st.date_input(tr("retention.col.as_of"), value=today, key=gen.key("as_of"), format="DD/MM/YYYY")
            due_on = st.date_input(tr("retention.col.due_on"), value=today + timedelta(days=DEFAULT_DUE_DAYS),
                                   key=gen.key("due_on"), format="DD/MM/YYYY")
            if st.form_submit_button(tr("retention.generate_button"), type="primary"):
                outcome = ui.call(retention.generate_campaign, entity_id, as_of, due_on, today=today, actor=actor)
                if outcome.ok:
                    gen.reset()  # before any Streamlit call: see CaseForms
                    campaign, added = outcome.value
                    st.query_params["id"] = str(campaign.id)
                    st.session_state["ret_campaign"] = campaign.id  # the picker below follows, not its last pick
                    gen.done(outcome, "retention.generated", reference=campaign.reference, added=added)

def _systems() -> None:
    """The systems that hold each activity's data: a task per system in the next campaign, a
    step per system in each new withdrawal's checklist (DPO, legal)."""
    st.caption(tr("retention.systems_help"))
    names = {c.id: c.label for c in ui.call(activities.activity_choices, actor=actor).value or []}
    if not names:
        return
    activity_id = st.selectbox(tr("retention.col.activity"), list(names), format_func=names.get, key="ret_sys_activity")
    systems = ui.call(retention.list_systems, activity_id, actor=actor).value or []
    departments = {d.id: d.name for d in ui.call(organisation.list_departments, actor=actor).value or []}
    sys_forms = CaseForms("retention_systems", activity_id)
    for system in systems:
        left, right = st.columns([4, 1])
        left.markdown(f"{ui.literal(system.name)} — {ui.literal(departments.get(system.department_id, ''))}")
        if right.button(tr("retention.remove_system"), key=sys_forms.key("remove", system.id)):
            sys_forms.done(ui.call(retention.remove_system, system.id, sys_forms.version(system.id, system.version),
                                   actor=actor), "retention.system_removed")
    with st.form(sys_forms.key("add")):
        name = st.text_input(tr("retention.col.system"), max_chars=200, key=sys_forms.key("name"))
        department_id = st.selectbox(tr("retention.col.system_department"), list(departments),
                                     format_func=departments.get, key=sys_forms.key("department"))
        if st.form_submit_button(tr("retention.add_system")):
            sys_forms.done(ui.call(retention.add_system, activity_id, name, department_id, actor=actor),
                           "retention.system_added")


if manager:
    with st.expander(tr("retention.systems_title"), icon=":material/dns:"):
        _systems()

# ------------------------------------------------------------------ campaigns
rows = ui.call(retention.list_campaigns, actor=actor).value or []
if not rows:
    st.info(tr("retention.none"))
    st.stop()
labels = {r.campaign.id: f"{r.campaign.reference} — {ui.literal(r.entity_name)} ({r.campaign.year})" for r in rows}
st.dataframe([{tr("retention.col.reference"): r.campaign.reference, tr("retention.col.entity"): r.entity_name,
               tr("retention.col.year"): r.campaign.year, tr("retention.col.as_of"): tr.date(r.campaign.as_of),
               tr("retention.col.due_on"): tr.date(r.campaign.due_on), tr("retention.col.total"): r.total,
               tr("retention.col.open"): r.open, tr("retention.col.late"): r.late,
               tr("retention.col.done"): r.done, tr("retention.col.exceptions"): r.exceptions} for r in rows],
             hide_index=True, width="stretch")
requested = st.query_params.get("id", "")
selected = int(requested) if requested.isdigit() and int(requested) in labels else rows[0].campaign.id
options = list(labels)
picked = st.selectbox(tr("retention.choose"), options, index=options.index(selected), format_func=labels.get,
                      key="ret_campaign")
if picked != selected or requested != str(picked):
    st.query_params["id"] = str(picked)
    st.rerun()

view = ui.call(retention.get_campaign, picked, actor=actor).value
if view is None:
    st.stop()
campaign = view.campaign
st.header(f"{campaign.reference} — {ui.literal(view.entity.name)} — {campaign.year}")
st.caption(tr("retention.campaign_caption", as_of=tr.date(campaign.as_of), due=tr.date(campaign.due_on)))
if actor.role == "department_head":
    st.caption(tr("retention.head_scope"))

tab_names = ["tasks", "documents"]
tabs = dict(zip(tab_names, st.tabs([tr(f"retention.tab.{n}") for n in tab_names], key=f"ret_tabs_{campaign.id}")))

with tabs["tasks"]:
    counts = {s: sum(1 for r in view.tasks if r.task.status == s) for s in ("open", "done", "exception")}
    cols = st.columns(4)
    cols[0].metric(tr("retention.col.open"), counts["open"])
    cols[1].metric(tr("retention.col.late"), sum(r.late for r in view.tasks))
    cols[2].metric(tr("retention.col.done"), counts["done"])
    cols[3].metric(tr("retention.col.exceptions"), counts["exception"])
    if not view.tasks:
        st.info(tr("retention.no_task"))
    else:
        st.dataframe([{"#": r.task.id, tr("retention.col.activity"): f"{r.activity_reference} — {r.activity_name}",
                       tr("retention.col.what"): _what(r.task), tr("retention.col.rule"): _rule(r.task),
                       tr("retention.col.department"): r.department_name,
                       tr("retention.col.due_on"): tr.date(r.task.due_on), tr("retention.col.state"): _state(r)}
                      for r in view.tasks], hide_index=True, width="stretch")
        task_labels = {r.task.id: f"#{r.task.id} — {ui.literal(r.activity_name)} — {ui.literal(_what(r.task))}"
                       for r in view.tasks}
        task_id = st.selectbox(tr("retention.choose_task"), list(task_labels), format_func=task_labels.get,
                               key=f"ret_task_{campaign.id}")
        row = next(r for r in view.tasks if r.task.id == task_id)
        task = row.task
        forms = CaseForms("retention_task", task.id)
        version = forms.version("task", task.version)
        today = forms.fixed("today", paris_today)  # "now" fixed when the task's forms open
        # which forms are drawn: as this user first saw the task, see CaseForms.fixed
        seen_status = forms.fixed("status", lambda: task.status)
        st.markdown(f"**{tr('retention.col.activity')}** : {ui.literal(row.activity_reference)} — "
                    f"{ui.literal(row.activity_name)}  \n**{tr('retention.col.what')}** : {ui.literal(_what(task))}  \n"
                    f"**{tr('retention.col.rule')}** : {ui.literal(_rule(task))}  \n"
                    f"**{tr('retention.col.end_action')}** : {tr(f'register.end_action.{task.end_action}')}  \n"
                    f"**{tr('retention.col.department')}** : {ui.literal(row.department_name)} — "
                    f"**{tr('retention.col.due_on')}** : {tr.date(task.due_on)} — **{tr('retention.col.state')}** : "
                    f"{_state(row)}")
        if task.status == "done":
            st.success(tr("retention.closed_text", method=tr(f"retention.method.{task.method}"),
                          date=tr.date(task.done_on), by=ui.literal(task.done_by)))
            st.markdown(f"**{tr('retention.col.proof')}** : {ui.literal(task.proof)}"
                        + (f" ({ui.literal(task.proof_reference)})" if task.proof_reference else "")
                        + (f"  \n**{tr('retention.col.kept_until')}** : {tr.date(task.kept_until)}"
                           if task.kept_until else ""))
        elif task.status == "exception":
            st.warning(tr("retention.exception_text", ground=tr(f"retention.ground.{task.exception_ground}"),
                          until=tr.date(task.kept_until), detail=ui.literal(task.exception_detail)))
        if seen_status == "open" and row.can_close:
            st.subheader(tr("retention.close_title"))
            with st.form(forms.key("close")):
                method = st.selectbox(tr("retention.col.method"), list(METHODS), key=forms.key("method"),
                                      format_func=lambda m: tr(f"retention.method.{m}"))
                done_on = st.date_input(tr("retention.col.done_on"), value=today, max_value=today,
                                        key=forms.key("done_on"), format="DD/MM/YYYY")
                done_by = st.text_input(tr("retention.col.done_by"), value=actor.full_name, max_chars=200,
                                        key=forms.key("done_by"))
                proof = st.text_area(tr("retention.col.proof"), max_chars=2000, key=forms.key("proof"),
                                     help=tr("retention.proof_help"))
                proof_reference = st.text_input(tr("retention.col.proof_reference"), max_chars=200,
                                                key=forms.key("proof_reference"))
                kept_until = st.date_input(tr("retention.col.kept_until_archive"), value=None,
                                           key=forms.key("kept_until"), format="DD/MM/YYYY")
                if st.form_submit_button(tr("retention.close_button"), type="primary"):
                    forms.done(ui.call(retention.close_task, task.id, version,
                                       {"method": method, "done_on": done_on, "done_by": done_by, "proof": proof,
                                        "proof_reference": proof_reference, "kept_until": kept_until},
                                       today=today, actor=actor), "retention.closed")
        if seen_status == "open" and manager:
            with st.expander(tr("retention.exception_title"), icon=":material/gavel:"):
                with st.form(forms.key("exception")):
                    ground = st.selectbox(tr("retention.col.ground"), list(EXCEPTION_GROUNDS),
                                          key=forms.key("ground"), format_func=lambda g: tr(f"retention.ground.{g}"))
                    detail = st.text_area(tr("retention.col.detail"), max_chars=1000, key=forms.key("detail"))
                    until = st.date_input(tr("retention.col.kept_until"), value=None, min_value=today,
                                          key=forms.key("until"), format="DD/MM/YYYY")
                    if st.form_submit_button(tr("retention.exception_button")):
                        forms.done(ui.call(retention.record_exception, task.id, version,
                                           {"ground": ground, "detail": detail, "kept_until": until},
                                           today=today, actor=actor), "retention.exception_recorded")
        if seen_status != "open" and manager:
            left, right = st.columns(2)
            language = left.segmented_control(tr("retention.language"), ["fr", "en"], default="fr",
                                              key=forms.key("cert_lang"),
                                              format_func=lambda code: tr(f"retention.lang.{code}"))
            if left.button(tr("retention.issue_task_certificate"), key=forms.key("cert"), type="primary",
                           icon=":material/verified:"):
                issued = ui.call(retention_documents.issue_task_certificate, task.id, language or "fr", actor=actor)
                if issued.ok:
                    ui.flash("retention.issued", number=issued.value.number)
                    st.rerun()
            with right.popover(tr("retention.reopen")):
                with st.form(forms.key("reopen")):
                    reason = st.text_area(tr("retention.reopen_reason_label"), max_chars=1000,
                                          key=forms.key("reopen_reason"))
                    if st.form_submit_button(tr("retention.reopen")):
                        forms.done(ui.call(retention.reopen_task, task.id, version, reason, actor=actor),
                                   "retention.reopened")

with tabs["documents"]:
    if manager:
        left, right = st.columns([1, 3])
        language = left.segmented_control(tr("retention.language"), ["fr", "en"], default="fr",
                                          key=f"ret_doc_lang_{campaign.id}",
                                          format_func=lambda code: tr(f"retention.lang.{code}"))
        b1, b2 = right.columns(2)
        if b1.button(tr("retention.issue_campaign_certificate"), key=f"ret_campaign_cert_{campaign.id}",
                     icon=":material/verified:"):
            issued = ui.call(retention_documents.issue_campaign_certificate, campaign.id, language or "fr",
                             actor=actor)
            if issued.ok:
                ui.flash("retention.issued", number=issued.value.number)
                st.rerun()
        if b2.button(tr("retention.issue_report"), key=f"ret_report_{campaign.id}", icon=":material/summarize:"):
            issued = ui.call(retention_documents.issue_campaign_report, campaign.id, language or "fr", actor=actor)
            if issued.ok:
                ui.flash("retention.issued", number=issued.value.number)
                st.rerun()
    documents = ui.call(retention_documents.campaign_documents, campaign.id, actor=actor).value or []
    if not documents:
        st.info(tr("retention.no_document"))
    else:
        reason = evidence_ui.reason_input(f"ret_reason_{campaign.id}")
        for document in documents:
            with st.container(border=True):
                st.markdown(f"**{document.number}** — {ui.literal(document.title)}  \n"
                            + tr("retention.document_caption", date=tr.datetime(document.issued_at),
                                 by=ui.literal(document.issued_by), language=tr(f"retention.lang.{document.language}")))
                evidence_ui.document_download(actor, document.id, reason, key=f"ret_doc_{document.id}")
