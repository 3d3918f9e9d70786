from pathlib import Path

import streamlit as st

from dashboard import activities, consent, evidence_ui, organisation, ui
from dashboard.access import ReasonRequired
from dashboard.attachments_ui import attachments_section
from dashboard.dsr import answers, documents, fees, queries, work, workflow
from dashboard.form_state import CaseForms
from dashboard.i18n import labels
from models.answer_letter import LANGUAGES
from models.clock import paris_today
from models.dsr_fee import FEE_BASES, MAX_AMOUNT, NOTIFIED, SETTLED_STATES
from models.letter_template import still_to_complete
from models.dsr import (ERASURE_METHODS, IDENTITY_METHODS, OUTCOMES, RECIPIENT_STATES, WAITING_STATUSES,
                        ART19_RIGHTS, Status, TRANSITIONS, health_earliest_day)

HERE = Path(__file__).parent
def md(value) -> str:
    """A user's text shown literally inside markdown."""
    return ui.literal(value or "—")


actor = ui.page_actor(page="dsr-case")
tr = ui.tr()
st.page_link(str(HERE / "dsr_requests.py"), label=tr("dsr.case.back"), icon=":material/arrow_back:")

raw_id = st.query_params.get("id", "")
if not raw_id:
    st.info(tr("dsr.case.choose"))
    st.stop()
request_id = int(raw_id) if raw_id.isdigit() else -1
header = ui.call(queries.case_header, request_id, actor=actor).value
if header is None:
    st.stop()
st.title(f"{header.reference} — {md(header.entity_name)}")

# Personal data is shown only once the access is logged: the assignee has an implicit
# reason; anyone else states one, remembered for this request during the session.
reason_key = f"dsr_reason_{request_id}"
if not header.is_assignee and not st.session_state.get(reason_key):
    st.info(tr("access.reason_required"))
    with st.form("dsr_reason"):
        stated = st.text_input(tr("access.reason_label"), key="dsr_reason_input")
        if st.form_submit_button(tr("dsr.case.show"), type="primary"):
            st.session_state[reason_key] = stated
            st.rerun()
    st.stop()
read = (request_id, st.session_state.get(reason_key))  # one read entry per opening, not per rerun
opened = ui.call(queries.open_request, *read, log_read=not ui.logged("dsr-read", read), actor=actor)
if opened.ok:
    ui.mark_logged("dsr-read", read)
if not opened.ok:
    if isinstance(opened.error, ReasonRequired):
        st.session_state.pop(reason_key, None)
    st.stop()
view = opened.value
r = view.request
forms = CaseForms("dsr", r.id)
key = forms.key
seen = forms.version("request", view.version)  # the version this user saw: kept across reruns
today = forms.fixed("today", paris_today)  # date defaults do not move under a slow person
done = forms.done
answer = ui.call(answers.answer_of, r.id, actor=actor, quiet=True).value or answers.AnswerView(None)
letter = answer.letter
# which forms are drawn: as this user first saw the request, see CaseForms.fixed
shown = forms.fixed("request", lambda: r)
letter_issued = forms.fixed("letter_issued", lambda: letter is not None and letter.issued)


# ------------------------------------------------------------------ header
facts = [(tr("dsr.col.status"), tr(f"dsr.status.{r.status}")), (tr("dsr.case.governing_due"), tr.date(r.due_on)),
         (tr("dsr.case.legal_due"), tr.date(r.legal_due_on)),
         (tr("dsr.col.internal_target_on"), tr.date(r.internal_target_on)),
         (tr("dsr.col.department"), view.department_name or tr("dsr.list.unrouted"))]
for column, (label, value) in zip(st.columns([1, 1, 1, 1, 2]), facts):
    column.caption(label)
    column.markdown(f"**{md(value)}**")
if r.health_due_on:
    st.info(tr("dsr.case.health_governs", due=tr.date(r.health_due_on)) + " "
            + tr("dsr.case.health_reflection", earliest=tr.date(health_earliest_day(r))))
if r.suspended_since:
    st.warning(tr("dsr.case.suspended", since=tr.date(r.suspended_since)))
elif view.is_late:
    st.error(tr("dsr.case.late", due=tr.date(r.due_on)))
if letter is not None and letter.issued:
    st.success(tr("answer.case.issued", number=answer.document_number, date=tr.date(letter.sent_on)))
if r.extended:
    st.caption(tr("dsr.case.extended", notified=tr.date(r.extension_notified_on)))
if r.suspended_days:
    st.caption(tr("dsr.case.suspended_days", days=r.suspended_days))
if not view.department_name and view.can_decide:
    st.warning(tr("dsr.case.route_by_hand"))
# A consent withdrawal recorded from this request (pages/consent_withdrawals.py links back).
withdrawal = ui.call(consent.withdrawal_of_request, r.id, actor=actor, quiet=True).value
if withdrawal:
    st.page_link(str(HERE / "consent_withdrawals.py"), icon=":material/link:", query_params={"id": str(withdrawal.id)},
                 label=tr("consent.open_withdrawal", reference=withdrawal.reference,
                          state=tr(f"consent.status.{withdrawal.status}")))

tabs = st.tabs([tr("dsr.case.tab.request"), tr("dsr.case.tab.steps"), tr("dsr.case.tab.work"),
                tr("dsr.case.tab.erasure"), tr("dsr.case.tab.documents"), tr("dsr.case.tab.history"),
                tr("answer.case.tab")],
               key=f"dsr_{r.id}_tabs")

# ------------------------------------------------------------------ the request
with tabs[0]:
    left, right = st.columns(2)
    left.markdown(f"**{tr('field.dsr_requester_name')}** : {md(r.requester_name)}  \n"
                  f"**{tr('field.dsr_requester_contact')}** : {md(r.requester_contact)}  \n"
                  f"**{tr('field.dsr_relation')}** : {tr(f'dsr.relation.{r.relation}')}"
                  + (f" — {tr('dsr.intake.is_minor')}" if r.is_minor else ""))
    right.markdown(f"**{tr('field.dsr_channel')}** : {tr(f'dsr.channel.{r.channel}')}  \n"
                   f"**{tr('field.dsr_received_at')}** : {tr.datetime(r.received_at)}  \n"
                   f"**{tr('field.dsr_rights')}** : {', '.join(tr(f'dsr.right.{x}') for x in view.rights)}  \n"
                   f"**{tr('dsr.case.owner')}** : {md(view.owner_name)}")
    st.text_area(tr("field.dsr_description"), r.description, disabled=True, height=120, key=key("text_ro"))
    identity = (tr("dsr.case.identity_verified", method=tr(f"dsr.identity_method.{r.identity_method}"),
                   on=tr.date(r.identity_verified_on), by=md(view.identity_verified_by_name))
                if r.identity_method else tr("dsr.case.identity_not_verified"))
    if r.identity_proof_asked:
        identity += " " + tr("dsr.case.identity_asked", on=tr.date(r.identity_asked_on))
    st.markdown(f"**{tr('dsr.case.identity')}** : {identity}")
    st.caption(tr("dsr.case.no_id_document"))
    st.markdown(f"**{tr('field.dsr_activity_ids')}** : " + (", ".join(md(label) for _, label in view.activities)
                                                          or "—"))
    if view.suspensions:
        st.dataframe([{tr("field.dsr_waiting_for"): tr(f"dsr.status.{s.waiting_for}"),
                       tr("dsr.case.from"): tr.date(s.started_on), tr("dsr.case.to"): tr.date(s.ended_on),
                       tr("field.dsr_note"): s.note} for s in view.suspensions], hide_index=True, width="stretch")
    if view.fees:
        st.markdown(f"**{tr('dsr.case.fees_title')}**")
        st.dataframe([{tr("field.dsr_basis"): tr(f"dsr.fee_basis.{f.basis}"),
                       tr("field.dsr_amount"): tr.amount(f.amount_cents),
                       tr("field.dsr_notified_on"): tr.date(f.notified_on),
                       tr("field.dsr_state"): tr(f"dsr.fee_state.{f.state}"),
                       tr("field.dsr_settled_on"): tr.date(f.settled_on),
                       tr("field.dsr_cost_basis"): f.cost_basis, tr("field.dsr_reasons"): f.reasons,
                       tr("field.dsr_note"): f.settled_note} for f in view.fees], hide_index=True, width="stretch")
    if r.status == Status.CLOSED:
        st.success(tr("dsr.case.closed_as", outcome=tr(f"dsr.outcome.{r.outcome}"), on=tr.date(r.answered_on)))
        if r.outcome_reasons:
            st.markdown(f"**{tr('field.dsr_reasons')}** : {md(r.outcome_reasons)}")

# ------------------------------------------------------------------ steps (DPO / legal)
with tabs[1]:
    allowed = TRANSITIONS[shown.status]
    if not view.can_decide:
        st.caption(tr("dsr.case.steps_staff_only"))
    else:
        if Status.IN_PROGRESS in allowed and shown.status == Status.RECEIVED:
            if st.button(tr("dsr.case.start"), key=key("start"), type="primary"):
                done(ui.call(workflow.start_work, r.id, seen, actor=actor))
        if allowed & WAITING_STATUSES:
            with st.expander(tr("dsr.case.ask_person"), key=f"dsr_{r.id}_x1"), st.form(key("ask")):
                waiting_for = st.radio(tr("field.dsr_waiting_for"), sorted(WAITING_STATUSES),
                                       format_func=lambda s: tr(f"dsr.status.{s}"))
                asked_on = st.date_input(tr("field.dsr_asked_on"), today, max_value=today, format="DD/MM/YYYY")
                note = st.text_input(tr("field.dsr_note"))
                st.caption(tr("dsr.case.ask_help"))
                if st.form_submit_button(tr("dsr.case.ask_submit")):
                    done(ui.call(workflow.ask_person, r.id, seen,
                                 {"waiting_for": waiting_for, "asked_on": asked_on, "note": note}, actor=actor))
        if shown.status in WAITING_STATUSES:
            with st.form(key("answered")):
                st.markdown(f"**{tr('dsr.case.person_answered')}**")
                answered_on = st.date_input(tr("field.dsr_answered_on"), today, max_value=today, format="DD/MM/YYYY")
                method = (st.selectbox(tr("field.dsr_identity_method"), IDENTITY_METHODS,
                                       format_func=lambda m: tr(f"dsr.identity_method.{m}"))
                          if shown.status == Status.AWAITING_IDENTITY else None)
                if st.form_submit_button(tr("dsr.case.resume"), type="primary"):
                    done(ui.call(workflow.person_answered, r.id, seen,
                                 {"answered_on": answered_on, "identity_method": method}, actor=actor))
        if shown.status in (Status.RECEIVED, Status.IN_PROGRESS) and not shown.identity_method:
            with st.expander(tr("dsr.case.verify_identity"), key=f"dsr_{r.id}_x2"), st.form(key("identity")):
                method = st.selectbox(tr("field.dsr_method"), IDENTITY_METHODS,
                                      format_func=lambda m: tr(f"dsr.identity_method.{m}"))
                verified_on = st.date_input(tr("field.dsr_verified_on"), today, max_value=today, format="DD/MM/YYYY")
                if st.form_submit_button(tr("common.save")):
                    done(ui.call(workflow.verify_identity, r.id, seen,
                                 {"method": method, "verified_on": verified_on}, actor=actor))
        if shown.status == Status.ANSWER_PROPOSED:
            st.markdown(f"**{tr('dsr.case.proposal_by', name=md(view.proposed_by_name))}** — "
                        f"{tr(f'dsr.outcome.{shown.proposed_outcome}')}")
            st.text_area(tr("field.dsr_answer"), r.proposed_answer, disabled=True, key=key("proposal_ro"))
            with st.expander(tr("dsr.case.send_back"), key=f"dsr_{r.id}_x3"), st.form(key("send_back")):
                comment = st.text_area(tr("field.dsr_comment"))
                if st.form_submit_button(tr("dsr.case.send_back")):
                    done(ui.call(workflow.send_back, r.id, seen, comment, actor=actor))
        if Status.CLOSED in allowed:
            with st.expander(tr("dsr.case.close"), expanded=shown.status == Status.ANSWER_PROPOSED,
                             key=f"dsr_{r.id}_close_open"), \
                    st.form(key("close")):
                default = OUTCOMES.index(shown.proposed_outcome) if shown.proposed_outcome in OUTCOMES else None
                outcome = st.selectbox(tr("field.dsr_outcome"), OUTCOMES, index=default,
                                       format_func=lambda o: tr(f"dsr.outcome.{o}"), key=key("close_outcome"),
                                       placeholder=tr("dsr.case.choose_outcome"))
                reasons = st.text_area(tr("field.dsr_reasons"), help=tr("dsr.case.reasons_help"))
                remedies = st.checkbox(tr("dsr.case.remedies_informed"))
                sent = letter.sent_on if letter is not None and letter.sent_on else today
                answered_on = st.date_input(tr("field.dsr_answered_on"), sent, max_value=today, format="DD/MM/YYYY",
                                            key=key("close_answered"))
                if st.form_submit_button(tr("dsr.case.close_submit"), type="primary"):
                    done(ui.call(workflow.close, r.id, seen,
                                 {"outcome": outcome, "reasons": reasons, "remedies_informed": remedies,
                                  "answered_on": answered_on}, actor=actor))
        if shown.status in (Status.RECEIVED, Status.IN_PROGRESS, *WAITING_STATUSES, Status.ANSWER_PROPOSED):
            with st.expander(tr("dsr.case.extend"), key=f"dsr_{r.id}_x4"), st.form(key("extend")):
                st.caption(tr("dsr.case.extend_help"))
                reasons = st.text_area(tr("field.dsr_reasons"), key=key("extend_reasons"))
                notified_on = st.date_input(tr("field.dsr_notified_on"), today, max_value=today, format="DD/MM/YYYY")
                if st.form_submit_button(tr("dsr.case.extend_submit")):
                    done(ui.call(workflow.extend, r.id, seen,
                                 {"reasons": reasons, "notified_on": notified_on}, actor=actor))
            pending_fee = next((f for f in view.fees if f.state == NOTIFIED), None)
            # as first seen (CaseForms.fixed): a fee ended by someone else meanwhile keeps this form
            fee_seen = forms.fixed("fee_pending", lambda: pending_fee is not None)
            with st.expander(tr("dsr.case.fees"), expanded=pending_fee is not None, key=f"dsr_{r.id}_x12"):
                st.caption(tr("dsr.case.fee_help"))
                if pending_fee is not None:
                    st.warning(tr("dsr.case.fee_pending", amount=tr.amount(pending_fee.amount_cents),
                                  on=tr.date(pending_fee.notified_on), basis=tr(f"dsr.fee_basis.{pending_fee.basis}")))
                if pending_fee is not None or fee_seen:
                    with st.form(key("fee_settle")):
                        state = st.radio(tr("dsr.case.fee_settle"), SETTLED_STATES, horizontal=True,
                                         format_func=lambda s: tr(f"dsr.fee_state.{s}"), key=key("fee_state"))
                        settled_on = st.date_input(tr("field.dsr_settled_on"), today, max_value=today,
                                                   format="DD/MM/YYYY", key=key("fee_settled_on"))
                        note = st.text_input(tr("field.dsr_note"), key=key("fee_note"))
                        if st.form_submit_button(tr("dsr.case.fee_settle_submit")):
                            done(ui.call(fees.settle, r.id, seen,
                                         {"state": state, "settled_on": settled_on, "note": note}, actor=actor))
                # drawn even while a fee awaits its answer: one recorded meanwhile by someone else
                # must not take this form away under its submit (CaseForms.fixed)
                with st.form(key("fee")):
                    basis = st.selectbox(tr("field.dsr_basis"), FEE_BASES, key=key("fee_basis"),
                                         format_func=lambda b: tr(f"dsr.fee_basis.{b}"))
                    amount = st.number_input(tr("field.dsr_amount"), min_value=0.0, max_value=float(MAX_AMOUNT),
                                             value=None, step=1.0, format="%.2f", key=key("fee_amount"))
                    cost_basis = st.text_area(tr("field.dsr_cost_basis"), key=key("fee_cost_basis"))
                    reasons = st.text_area(tr("field.dsr_reasons"), key=key("fee_reasons"),
                                           help=tr("dsr.case.reasons_help"))
                    notified_on = st.date_input(tr("field.dsr_notified_on"), today, max_value=today,
                                                format="DD/MM/YYYY", key=key("fee_notified_on"))
                    if st.form_submit_button(tr("dsr.case.fee_submit")):
                        done(ui.call(fees.notify, r.id, seen,
                                     {"basis": basis, "amount": amount, "cost_basis": cost_basis,
                                      "reasons": reasons, "notified_on": notified_on}, actor=actor))
            departments = {d.id: d.name for d in ui.call(organisation.list_departments, entity_id=r.entity_id,
                                                         actor=actor).value or []}
            with st.expander(tr("dsr.case.reassign"), key=f"dsr_{r.id}_x5"), st.form(key("reassign")):
                keys = [None, *departments]
                department_id = st.selectbox(tr("field.dsr_department_id"), keys,
                                             index=keys.index(r.department_id) if r.department_id in keys else 0,
                                             format_func=lambda i: tr("dsr.list.unrouted") if i is None
                                             else departments[i])
                complex_ = st.checkbox(tr("dsr.intake.complex"), value=r.complex)
                if st.form_submit_button(tr("common.save")):
                    result = ui.call(workflow.reassign, r.id, seen, department_id, actor=actor)
                    if result.ok and complex_ != r.complex:
                        result = ui.call(workflow.set_complex, r.id, result.value.version, complex_, actor=actor)
                    done(result)
            choices = {a.id: a.label for a in ui.call(activities.activity_choices, r.entity_id,
                                                      actor=actor).value or []}
            with st.expander(tr("field.dsr_activity_ids"), key=f"dsr_{r.id}_x6"), st.form(key("activities")):
                chosen = st.multiselect(tr("field.dsr_activity_ids"), list(choices), format_func=choices.get,
                                        default=[a for a, _ in view.activities if a in choices],
                                        placeholder=tr("dsr.intake.choose_activities"))
                if st.form_submit_button(tr("common.save")):
                    done(ui.call(workflow.set_activities, r.id, seen, chosen, actor=actor))
            with st.expander(tr("dsr.case.withdraw"), key=f"dsr_{r.id}_x7"), st.form(key("withdraw")):
                withdrawn_on = st.date_input(tr("field.dsr_withdrawn_on"), today, max_value=today,
                                             format="DD/MM/YYYY")
                note = st.text_input(tr("field.dsr_note"), key=key("withdraw_note"))
                if st.form_submit_button(tr("dsr.case.withdraw")):
                    done(ui.call(workflow.withdraw, r.id, seen,
                                 {"withdrawn_on": withdrawn_on, "note": note}, actor=actor))

# ------------------------------------------------------------------ department work
with tabs[2]:
    if view.searches:
        st.dataframe([{tr("field.dsr_system"): s.system, tr("field.dsr_data_categories"): s.data_categories,
                       tr("dsr.case.found"): tr("common.yes") if s.found else tr("common.no"),
                       tr("field.dsr_notes"): s.notes, tr("field.dsr_searched_on"): tr.date(s.searched_on),
                       tr("dsr.case.recorded_by"): s.recorded_by_name} for s in view.searches],
                     hide_index=True, width="stretch")
    else:
        st.caption(tr("dsr.case.no_search"))
    is_open = shown.status not in (Status.CLOSED, Status.WITHDRAWN)
    if view.can_work and is_open:
        with st.expander(tr("dsr.case.add_search"), key=f"dsr_{r.id}_x8"), st.form(key("search")):
            system = st.text_input(tr("field.dsr_system"), key=key("search_system"))
            categories = st.text_input(tr("field.dsr_data_categories"), key=key("search_categories"))
            found = st.checkbox(tr("dsr.case.found"), key=key("search_found"))
            notes = st.text_area(tr("field.dsr_notes"), key=key("search_notes"))
            searched_on = st.date_input(tr("field.dsr_searched_on"), today, max_value=today, format="DD/MM/YYYY")
            if st.form_submit_button(tr("common.save")):
                done(ui.call(work.add_search, r.id, seen,
                             {"system": system, "data_categories": categories, "found": found, "notes": notes,
                              "searched_on": searched_on}, actor=actor))
        if r.status == Status.IN_PROGRESS:
            st.caption(tr("answer.case.where"))
    if r.proposed_answer and r.status != Status.ANSWER_PROPOSED:
        st.markdown(f"**{tr('dsr.case.proposal_by', name=md(view.proposed_by_name))}** — "
                    f"{tr(f'dsr.outcome.{r.proposed_outcome}')}")
        st.text(r.proposed_answer)

# ------------------------------------------------------------------ Art. 19 and erasure
with tabs[3]:
    if set(view.rights) & ART19_RIGHTS:
        st.subheader(tr("dsr.case.recipients"))
        st.caption(tr("dsr.case.recipients_help"))
        for line in view.recipients:
            state = tr(f"dsr.recipient_state.{line.state}")
            icon = {"pending": "☐", "notified": "☑", "impossible": "⊘"}[line.state]
            st.markdown(f"{icon} **{md(line.recipient)}** — {state}"
                        + (f" ({tr.date(line.notified_on)})" if line.notified_on else "")
                        + (f" — {md(line.note)}" if line.note else ""))
        if view.can_work and is_open:
            if view.recipients:
                with st.expander(tr("dsr.case.tick_recipient"), key=f"dsr_{r.id}_x9"), st.form(key("tick")):
                    by_id = {line.id: line.recipient for line in view.recipients}
                    recipient_id = st.selectbox(tr("field.dsr_recipient"), list(by_id), format_func=by_id.get)
                    state = st.radio(tr("field.dsr_state"), RECIPIENT_STATES[1:],
                                     format_func=lambda s: tr(f"dsr.recipient_state.{s}"), horizontal=True)
                    notified_on = st.date_input(tr("field.dsr_notified_on"), today, max_value=today,
                                                format="DD/MM/YYYY", key=key("tick_on"))
                    note = st.text_input(tr("field.dsr_note"), key=key("tick_note"))
                    if st.form_submit_button(tr("common.save")):
                        done(ui.call(work.update_recipient, r.id, seen, recipient_id,
                                     {"state": state, "notified_on": notified_on, "note": note}, actor=actor))
            with st.form(key("recipient")):
                recipient = st.text_input(tr("dsr.case.add_recipient"), key=key("recipient_name"))
                if st.form_submit_button(tr("common.create")):
                    done(ui.call(work.add_recipient, r.id, seen, {"recipient": recipient}, actor=actor))
    if "erasure" in view.rights:
        st.subheader(tr("dsr.case.erasures"))
        if view.erasures:
            st.dataframe([{tr("field.dsr_system"): e.system, tr("field.dsr_data_category"): e.data_category,
                           tr("field.dsr_method"): tr(f"dsr.erasure_method.{e.method}"),
                           tr("field.dsr_performed_on"): tr.date(e.performed_on),
                           tr("field.dsr_performed_by"): e.performed_by} for e in view.erasures],
                         hide_index=True, width="stretch")
        st.subheader(tr("dsr.case.retentions"))
        if view.retentions:
            st.dataframe([{tr("field.dsr_data_category"): k.data_category, tr("field.dsr_reason"): k.reason,
                           tr("field.dsr_keep_until"): tr.date(k.keep_until)} for k in view.retentions],
                         hide_index=True, width="stretch")
        if view.can_work and is_open:
            with st.expander(tr("dsr.case.add_erasure"), key=f"dsr_{r.id}_x10"), st.form(key("erasure")):
                system = st.text_input(tr("field.dsr_system"), key=key("erasure_system"))
                category = st.text_input(tr("field.dsr_data_category"), key=key("erasure_category"))
                method = st.selectbox(tr("field.dsr_method"), ERASURE_METHODS,
                                      format_func=lambda m: tr(f"dsr.erasure_method.{m}"), key=key("erasure_method"))
                performed_on = st.date_input(tr("field.dsr_performed_on"), today, max_value=today,
                                             format="DD/MM/YYYY", key=key("erasure_on"))
                performed_by = st.text_input(tr("field.dsr_performed_by"), key=key("erasure_by"))
                if st.form_submit_button(tr("common.save")):
                    done(ui.call(work.add_erasure, r.id, seen,
                                 {"system": system, "data_category": category, "method": method,
                                  "performed_on": performed_on, "performed_by": performed_by}, actor=actor))
            with st.expander(tr("dsr.case.add_retention"), key=f"dsr_{r.id}_x11"), st.form(key("retention")):
                category = st.text_input(tr("field.dsr_data_category"), key=key("retention_category"))
                reason = st.text_input(tr("field.dsr_reason"), key=key("retention_reason"),
                                       help=tr("dsr.case.retention_help"))
                keep_until = st.date_input(tr("field.dsr_keep_until"), value=None, format="DD/MM/YYYY",
                                           key=key("retention_until"))
                if st.form_submit_button(tr("common.save")):
                    done(ui.call(work.add_retention, r.id, seen,
                                 {"data_category": category, "reason": reason, "keep_until": keep_until},
                                 actor=actor))
    if not set(view.rights) & (ART19_RIGHTS | {"erasure"}):
        st.caption(tr("dsr.case.no_art19"))

# ------------------------------------------------------------------ documents
def fetched(document_id: int):
    return lambda: ui.call(documents.download, r.id, document_id, st.session_state.get(reason_key), actor=actor).value


with tabs[4]:
    for doc in view.documents:  # the one download of the registry: fetched (an audit entry), then saved
        evidence_ui.issued_document(doc, case_ref=r.reference, fetch=fetched(doc.id), key=f"dsr_doc_{doc.id}")
    if not view.documents:
        st.caption(tr("dsr.case.no_document"))
    if view.can_decide:
        language = st.segmented_control(tr("dsr.case.doc_language"), ["fr", "en"], default="fr",
                                        format_func=str.upper, key="dsr_doc_language") or "fr"
        buttons = st.columns(4)
        if buttons[0].button(tr("dsr.case.issue_ack"), key=key("issue_ack")):
            done(ui.call(documents.issue_acknowledgement, r.id, language, actor=actor))
        if r.extended and buttons[1].button(tr("dsr.case.issue_extension"), key=key("issue_ext")):
            done(ui.call(documents.issue_extension_notice, r.id, language, actor=actor))
        if view.fees and buttons[2].button(tr("dsr.case.issue_fee_notice"), key=key("issue_fee")):
            done(ui.call(documents.issue_fee_notice, r.id, language, actor=actor))
        if "erasure" in view.rights and view.erasures:
            with buttons[3].form("dsr_certificate"):
                verified_by = st.text_input(tr("field.dsr_verified_by"), key=key("cert_verified_by"))
                backups = st.date_input(tr("field.dsr_backups_overwritten_on"), value=None,
                                        key=key("cert_backups"), format="DD/MM/YYYY")
                if st.form_submit_button(tr("dsr.case.issue_certificate"), type="primary"):
                    done(ui.call(documents.issue_destruction_certificate, r.id, verified_by, language, backups,
                                 actor=actor))
    attachments_section(actor, "dsr", r.id, reason=st.session_state.get(reason_key))

# ------------------------------------------------------------------ history
with tabs[5]:
    named = {"department_id": {d.id: d.name for d in ui.call(organisation.list_departments, actor=actor).value or []}}
    st.dataframe([{tr("audit.col.at"): tr.datetime(h.at), tr("audit.col.actor"): h.actor_name,
                   tr("audit.col.action"): labels.action_label(tr, h.action),
                   tr("audit.col.details"): labels.describe(tr, h.details, h.action, lookups=named)}
                  for h in view.history], hide_index=True, width="stretch")
    st.caption(tr("dsr.case.access_logged", reason=md(tr.maybe(view.access_reason))))

# ------------------------------------------------------------------ the answer to the person
with tabs[6]:
    st.subheader(tr("answer.case.title"))
    issued = letter is not None and letter.issued
    if view.can_work and shown.status == Status.IN_PROGRESS and not letter_issued:
        st.markdown(f"**{tr('dsr.case.propose')}**")
        st.caption(tr("answer.case.propose_help"))
        left, right = st.columns([3, 1])
        outcome = left.selectbox(tr("field.dsr_outcome"), OUTCOMES, format_func=lambda o: tr(f"dsr.outcome.{o}"),
                                 key=key("answer_outcome"))
        language = right.selectbox(tr("field.dsr_language"), LANGUAGES, format_func=lambda x: tr(f"language.{x}"),
                                   key=key("answer_language"))
        drafted = ui.call(answers.draft, r.id, outcome, language, actor=actor).value
        if drafted is not None:
            st.caption(tr("answer.case.draft_from", kind=tr(f"answer.kind.{drafted.kind}"),
                          language=tr(f"language.{drafted.language}"), revision=drafted.revision))
            with st.form(key("answer_propose")):
                text = st.text_area(tr("field.dsr_answer"), drafted.text, height=420,
                                    key=key("answer_text", outcome, language))
                if st.form_submit_button(tr("dsr.case.propose_submit"), type="primary"):
                    done(ui.call(answers.propose, r.id, seen,
                                 {"outcome": outcome, "language": language, "answer": text}, actor=actor))
    if letter is None:
        st.caption(tr("answer.case.none"))
    else:
        st.markdown(tr("answer.case.proposed_by", name=md(letter.proposed_by_name), at=tr.datetime(letter.proposed_at),
                       kind=tr(f"answer.kind.{letter.kind}"), language=tr(f"language.{letter.language}")))
        if letter.edited_at:
            st.caption(tr("answer.case.edited_by", name=md(letter.edited_by_name), at=tr.datetime(letter.edited_at)))
        if issued:
            issued_doc = next((d for d in view.documents if d.id == answer.document_id), None)
            if issued_doc is not None:  # the registry's one download pattern, as on the Documents tab
                evidence_ui.issued_document(issued_doc, case_ref=r.reference, fetch=fetched(issued_doc.id),
                                            key=f"dsr_answer_dl_{issued_doc.id}")
        if view.can_decide and not letter_issued and shown.status not in (Status.CLOSED, Status.WITHDRAWN):
            letter_seen = forms.version("letter", letter.version)  # the answer's version this user saw
            if still_to_complete(letter.body):
                st.warning(tr("answer.case.to_complete"))
            with st.form(key("answer_edit")):
                body = st.text_area(tr("field.dsr_body"), letter.body, height=420, key=key("answer_body"))
                if st.form_submit_button(tr("answer.case.save_edit")):
                    done(ui.call(answers.edit, r.id, letter_seen, {"body": body}, actor=actor))
            with st.form(key("answer_issue")):
                st.caption(tr("answer.case.issue_help"))
                sent_on = st.date_input(tr("field.dsr_sent_on"), today, max_value=today, format="DD/MM/YYYY",
                                        key=key("answer_sent_on"))
                if st.form_submit_button(tr("answer.case.issue"), type="primary"):
                    result = ui.call(answers.issue, r.id, letter_seen, {"sent_on": sent_on}, actor=actor)
                    done(result, "answer.case.issued_flash", number=getattr(result.value, "number", ""))
        else:
            st.text_area(tr("answer.case.read_only"), letter.body, height=420, disabled=True, key=key("answer_ro"))
