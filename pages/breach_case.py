from pathlib import Path

import streamlit as st

from dashboard import breach, evidence, evidence_ui, ui
from dashboard.attachments_ui import attachments_section
from dashboard.breach import widgets
from dashboard.form_state import CaseForms, OneShot
from exports import breach_text as bt
from models.breach import LETTER_TEXT_FIELDS, Art34Exception, BreachStatus, RiskLevel, StepKind
from models.roles import Capability

REGISTER_PAGE = str(Path(__file__).with_name("breach_register.py"))
SELECTED = "breach_selected"

actor = ui.page_actor(page="breach")
tr = ui.tr()
md = widgets.md_escape


def _selected_id() -> int | None:
    raw = st.query_params.get("id")
    if raw and raw.isdigit():
        st.session_state[SELECTED] = int(raw)
    return st.session_state.get(SELECTED)


def _pick() -> None:
    """No breach chosen yet: find one by reference or title."""
    st.title(tr("breach.case.page_title"))
    text = st.text_input(tr("breach.filter.text"), key="breach_pick_text")
    found = ui.call(breach.list_breaches, breach.BreachFilter(text=text), 1, 50, actor=actor).value
    rows = {r.id: r for r in (found.rows if found else [])}
    if not rows:
        st.info(tr("common.empty"))
        return
    chosen = st.selectbox(tr("breach.open.select"), list(rows), key="breach_pick",
                          format_func=lambda i: f"{rows[i].reference} — {rows[i].title}")
    if st.button(tr("breach.open.button"), key="breach_pick_open"):
        st.query_params["id"] = str(chosen)
        st.rerun()


def _facts(rows: list[tuple[str, object]]) -> None:
    for label, value in rows:
        st.markdown(f"**{md(label)}**  \n{md(value) if value not in (None, '') else '—'}")


breach_id = _selected_id()
if breach_id is None:
    _pick()
    st.stop()
case = ui.call(breach.get_breach, breach_id, actor=actor).value
if case is None:
    st.session_state.pop(SELECTED, None)
    st.query_params.clear()
    st.page_link(REGISTER_PAGE, label=tr("breach.case.back"), icon=":material/arrow_back:")
    st.stop()

b = case.breach
forms = CaseForms("breach", b.id)
key = forms.key  # a new generation after the user's own save: the forms show the stored values
version = forms.version("breach", b.version)  # what the user saw, kept across reruns: a stale save is refused
# which forms are drawn: as this user first saw the case, see CaseForms.fixed
can_edit = forms.fixed("can_edit", lambda: case.can_edit)
can_decide = forms.fixed("can_decide", lambda: case.can_decide)
closed = forms.fixed("closed", lambda: b.status == BreachStatus.CLOSED)

st.title(f"{b.reference} — {md(b.title)}")
st.caption(tr("breach.case.caption", entity=md(case.entity.name), status=tr(f"breach.status.{b.status}"),
              declared_by=md(b.declared_by_name or "—"), date=tr.datetime(b.created_at)))


@st.fragment(run_every=60)
def _countdown() -> None:
    widgets.show_clock(widgets.clock(tr, authority_notification=b.authority_notification,
                                     deadline=b.notification_deadline, notified_at=b.notified_at,
                                     detected_at=b.detected_at))


_countdown()
duties = case.obligations
if duties is None:
    st.info(tr("breach.case.to_assess"), icon=":material/rule:")
else:
    authority_text = tr("breach.duty.authority_yes") if duties.notify_authority else tr("breach.duty.authority_no")
    people_text = bt.people_information(tr, b)
    st.markdown(f"**{tr('breach.duty.title')}** — {md(authority_text)} · "
                f"{md(tr('breach.duty.people', text=people_text[:1].lower() + people_text[1:]))}")

tabs = st.tabs([tr("breach.tab.facts"), tr("breach.tab.risk"), tr("breach.tab.notifications"),
                tr("breach.tab.people"), tr("breach.tab.steps"), tr("breach.tab.documents"),
                tr("breach.tab.closing")], key=f"breach_{b.id}_tabs", on_change="rerun")  # stays on its tab
facts_tab, risk_tab, notifications_tab, people_tab, steps_tab, documents_tab, closing_tab = tabs

with facts_tab:
    st.caption(tr("breach.help.no_personal_data"))
    left, right = st.columns(2)
    with left:
        _facts([(tr("breach.field.description"), b.description), (tr("breach.field.discovery"), b.discovery),
                (tr("breach.field.nature"), bt.nature(tr, b)), (tr("breach.field.cause"), bt.cause(tr, b)),
                (tr("breach.field.cause_details"), b.cause_details),
                (tr("breach.field.processor_name"), b.processor_name),
                (tr("breach.field.systems"), b.systems),
                (tr("breach.field.activities"), ", ".join(f"{a.reference} — {a.name}" for a in case.activities)),
                (tr("breach.field.departments"), ", ".join(case.department_names))])
    with right:
        _facts([(tr("breach.field.started_at"), bt.when(tr, b.started_at)),
                (tr("breach.field.ended_at"), bt.when(tr, b.ended_at, "breach.doc.not_ended")),
                (tr("breach.field.detected_at"), bt.when(tr, b.detected_at)),
                (tr("breach.field.aware_at"), bt.when(tr, b.aware_at, "breach.doc.aware_unknown")),
                (tr("breach.field.notification_deadline"), bt.when(tr, b.notification_deadline)),
                (tr("breach.field.data_categories"), bt.categories(tr, b)),
                (tr("breach.field.data_details"), b.data_details),
                (tr("breach.field.people_categories"), b.people_categories),
                (tr("breach.field.people_count"), bt.approximate(tr, b.people_min, b.people_max)),
                (tr("breach.field.records_count"), bt.approximate(tr, b.records_min, b.records_max))])
    _facts([(tr("breach.field.likely_consequences"), b.likely_consequences),
            (tr("breach.field.measures_taken"), b.measures_taken),
            (tr("breach.field.measures_proposed"), b.measures_proposed)])
    if can_edit:
        with st.expander(tr("breach.facts.edit"), icon=":material/edit:", key=f"breach_{b.id}_facts_open"):
            data = widgets.facts_form(key("facts"), actor, forms.fixed("now", widgets.paris_now), b,
                                      case.activity_ids, case.department_ids)
            if data is not None:
                forms.done(ui.call(breach.update_facts, b.id, version, data, actor=actor))

with risk_tab:
    _facts([(tr("breach.field.risk_level"), bt.risk(tr, b)),
            (tr("breach.field.risk_justification"), b.risk_justification),
            (tr("breach.field.art34_exception"),
             tr(f"breach.exception.{b.art34_exception}") if b.art34_exception else tr("breach.exception.none_short")),
            (tr("breach.field.art34_exception_details"), b.art34_exception_details),
            (tr("breach.field.assessed"), tr("breach.assessed_by", name=b.assessed_by_name,
                                             date=tr.datetime(b.assessed_at)) if b.assessed_at else None)])
    if can_decide:
        st.divider()
        levels, exceptions = list(RiskLevel), [None, *Art34Exception]
        with st.form(key("qualify")):
            st.caption(tr("breach.qualify.help"))
            level = st.radio(tr("breach.field.risk_level"), levels, key=key("risk_level"),
                             index=levels.index(b.risk_level) if b.risk_level else None,
                             format_func=lambda r: tr(f"breach.risk.{r}.long"))
            justification = st.text_area(tr("breach.field.risk_justification"), value=b.risk_justification,
                                         key=key("risk_justification"))
            exception = st.selectbox(tr("breach.field.art34_exception"), exceptions, key=key("exception"),
                                     index=exceptions.index(b.art34_exception),
                                     format_func=lambda e: tr("breach.exception.none") if e is None
                                     else tr(f"breach.exception.{e}"))
            details = st.text_area(tr("breach.field.art34_exception_details"), value=b.art34_exception_details,
                                   key=key("exception_details"))
            submitted = st.form_submit_button(tr("breach.qualify.submit"), type="primary")
        if submitted:
            forms.done(ui.call(breach.qualify, b.id, version, {
                "risk_level": level, "risk_justification": justification, "art34_exception": exception,
                "art34_exception_details": details}, actor=actor), "breach.qualified")

with notifications_tab:
    if case.notifications:
        st.dataframe([{tr("breach.col.phase"): tr(f"breach.phase.{n.phase}"),
                       tr("breach.col.sent_at"): tr.datetime(n.sent_at),
                       tr("breach.col.authority_reference"): n.authority_reference,
                       tr("breach.col.content_added"): n.content_added,
                       tr("breach.field.delay_reasons"): n.delay_reasons,
                       tr("breach.col.recorded_by"): n.recorded_by_name} for n in case.notifications],
                     hide_index=True, width="stretch")
    else:
        st.info(tr("breach.notifications.none"))
    if can_decide:
        phase = "complementary" if case.notifications else "initial"
        with st.form(key("notify")):
            st.markdown(f"**{tr(f'breach.notifications.record_{phase}')}**")
            st.caption(tr(f"breach.notifications.help_{phase}"))
            sent_at = widgets.when_input(tr("breach.col.sent_at"), None, key("sent_at"),
                                         now_if_empty=forms.fixed("sent_at", widgets.paris_now))
            reference = st.text_input(tr("breach.col.authority_reference"), key=key("authority_reference"))
            added = st.text_area(tr("breach.col.content_added"), key=key("content_added"))
            reasons = st.text_area(tr("breach.field.delay_reasons"), key=key("delay_reasons"),
                                   help=tr("breach.help.delay_reasons"))
            submitted = st.form_submit_button(tr("breach.notifications.submit"), type="primary")
        if submitted:
            forms.done(ui.call(breach.record_notification, b.id, version, {
                "sent_at": sent_at, "authority_reference": reference, "content_added": added,
                "delay_reasons": reasons}, actor=actor), "breach.notification_recorded")

with people_tab:
    st.markdown(md(bt.people_information(tr, b)))
    _facts([(tr("breach.field.people_summary"), b.people_summary),
            (tr("breach.field.people_advice"), b.people_advice)])
    if can_decide:
        with st.form(key("people")):
            st.caption(tr("breach.people.help"))
            summary = st.text_area(tr("breach.field.people_summary"), value=b.people_summary,
                                   key=key("people_summary"), help=tr("breach.help.people_summary"))
            advice = st.text_area(tr("breach.field.people_advice"), value=b.people_advice, key=key("people_advice"),
                                  help=tr("breach.help.people_advice"))
            informed = st.checkbox(tr("breach.people.informed"), value=b.people_informed_at is not None,
                                   key=key("people_informed"))
            informed_at = widgets.when_input(tr("breach.field.people_informed_at"), b.people_informed_at,
                                             key("people_informed_at"))
            means = st.text_input(tr("breach.field.people_information_means"), value=b.people_information_means,
                                  key=key("people_means"))
            submitted = st.form_submit_button(tr("common.save"), type="primary")
        if submitted:
            forms.done(ui.call(breach.save_people_communication, b.id, version, {
                "people_summary": summary, "people_advice": advice,
                "people_informed_at": informed_at if informed else None,
                "people_information_means": means if informed else ""}, actor=actor))
        with st.expander(tr("breach.letter_english.title"), key=f"breach_{b.id}_letter_en_open"), \
                st.form(key("letter_en")):
            st.caption(tr("breach.letter_english.help"))
            english = {name: st.text_area(tr(f"field.breach_{name}_en"), value=(b.letter_texts_en or {}).get(name, ""),
                                          key=key(f"letter_en_{name}"))
                       for name in LETTER_TEXT_FIELDS}
            submitted_en = st.form_submit_button(tr("common.save"))
        if submitted_en:
            forms.done(ui.call(breach.save_letter_english, b.id, version, english, actor=actor))

with steps_tab:
    st.caption(tr("breach.steps.help"))
    if case.steps:
        st.dataframe([{tr("breach.col.step_kind"): tr(f"breach.step.{s.kind}"),
                       tr("breach.col.step_description"): s.description, tr("breach.col.owner"): s.owner_name,
                       tr("breach.col.due_at"): tr.datetime(s.due_at), tr("breach.col.done_at"): tr.datetime(s.done_at)}
                      for s in case.steps], hide_index=True, width="stretch")
    open_steps = {s.id: s for s in case.steps if s.done_at is None}
    if can_edit and open_steps:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        step_id = left.selectbox(tr("breach.steps.select"), list(open_steps), key=key("step_done"),
                                 format_func=lambda i: f"{tr(f'breach.step.{open_steps[i].kind}')} — "
                                                       f"{open_steps[i].description}")
        if right.button(tr("breach.steps.done"), key=key("step_done_button")):
            forms.done(ui.call(breach.complete_step, step_id, actor=actor))
    if can_edit:
        with st.form(key("step")):
            st.markdown(f"**{tr('breach.steps.add')}**")
            kinds = list(StepKind)
            kind = st.selectbox(tr("breach.col.step_kind"), kinds, format_func=lambda k: tr(f"breach.step.{k}"),
                                key=key("step_kind"))
            description = st.text_input(tr("breach.col.step_description"), key=key("step_description"))
            owner = st.text_input(tr("breach.col.owner"), key=key("step_owner"))
            due = widgets.when_input(tr("breach.col.due_at"), None, key("step_due"))
            submitted = st.form_submit_button(tr("breach.steps.submit"))
        if submitted:
            forms.done(ui.call(breach.add_step, b.id, {"kind": kind, "description": description, "owner_name": owner,
                                                      "due_at": due}, actor=actor))

with documents_tab:
    if actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only:  # closed breaches too
        language = st.segmented_control(tr("breach.documents.language"), ["fr", "en"], default=ui.lang(),
                                        format_func=str.upper, key="breach_doc_language") or ui.lang()
        notice_col, letter_col = st.columns(2)
        notice, letter = OneShot("breach_issue_notice"), OneShot("breach_issue_letter")
        with notice_col:
            st.markdown(f"**{tr('breach.notice.title')}**")
            phases = {None: tr("breach.documents.next_phase")} | {
                n.id: f"{tr(f'breach.phase.{n.phase}')} — {tr.datetime(n.sent_at)} — {n.authority_reference}"
                for n in case.notifications}
            which = st.selectbox(tr("breach.documents.phase"), list(phases), format_func=phases.get,
                                 key=key("notice_phase"))
            reasons = st.text_area(tr("field.breach_delay_reasons"), key=key("notice_delay_reasons"),
                                   height=80) if which is None and b.notified_at is None else ""
            if st.button(tr("breach.documents.issue_notice"), key=notice.key, icon=":material/description:"):
                notice.run(lambda: ui.call(breach.issue_authority_notice, b.id, language, which, reasons,
                                           actor=actor).value)
        with letter_col:
            st.markdown(f"**{tr('breach.letter.title')}**")
            st.caption(tr("breach.documents.letter_help"))
            if st.button(tr("breach.documents.issue_letter"), key=letter.key, icon=":material/mail:"):
                letter.run(lambda: ui.call(breach.issue_people_letter, b.id, language, actor=actor).value)
        for column, shot, state_key in ((notice_col, notice, "breach_notice_doc"),
                                        (letter_col, letter, "breach_letter_doc")):
            document = shot.outcome
            if document is not None and document.case_id == b.id:
                column.download_button(tr("breach.documents.download", number=document.number), document.content,
                                       file_name=document.filename, mime=document.media_type,
                                       key=f"{state_key}_download", on_click="ignore", type="primary",
                                       icon=":material/download:")
    issued_documents = ui.call(breach.documents_of, b.id, actor=actor).value or []
    st.markdown(f"**{tr('breach.documents.issued')}**")
    if not issued_documents:
        st.caption(tr("common.empty"))
    for document in issued_documents:  # the one download of the registry: fetched (an audit entry), then saved
        evidence_ui.issued_document(
            document, case_ref=b.reference, key=f"breach_doc_{document.id}",
            downloadable=actor.can(Capability.READ_EVIDENCE),
            fetch=lambda document_id=document.id: ui.call(evidence.download_document, document_id, actor=actor).value)
    attachments_section(actor, "breach", b.id)

with closing_tab:
    if closed:
        st.success(tr("breach.closing.closed", date=tr.datetime(b.closed_at)))
        _facts([(tr("breach.field.closing_note"), b.closing_note)])
        if actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only:
            with st.form(key("reopen")):
                reason = st.text_area(tr("breach.closing.reopen_reason"), key=key("reopen_reason"))
                submitted = st.form_submit_button(tr("breach.closing.reopen"))
            if submitted:
                forms.done(ui.call(breach.reopen, b.id, version, {"reason": reason}, actor=actor), "breach.reopened")
    elif can_decide:
        st.caption(tr("breach.closing.help"))
        with st.form(key("close")):
            note = st.text_area(tr("breach.field.closing_note"), key=key("closing_note"))
            submitted = st.form_submit_button(tr("breach.closing.submit"), type="primary")
        if submitted:
            forms.done(ui.call(breach.close, b.id, version, {"closing_note": note}, actor=actor), "breach.closed")
    else:
        st.info(tr("breach.closing.by_dpo"))
