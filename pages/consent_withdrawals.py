"""Consent: how it is collected and where its proof lies, per consent-based activity; the
withdrawals received and their checklist, one step per system, ticked by the system's
department; the link with the data-subject request a withdrawal came with."""

from pathlib import Path

import streamlit as st

from dashboard import config, consent, ui
from dashboard.form_state import CaseForms
from models.clock import paris_today
from models.consent import CHANNELS
from models.roles import Capability

DSR_PAGE = str(Path(__file__).with_name("dsr_case.py"))
RETENTION_PAGE = str(Path(__file__).with_name("retention_campaigns.py"))

actor = ui.page_actor(page="consent")
tr = ui.tr()
manager = actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only
st.title(tr("consent.title"))
st.caption(tr("consent.intro", days=config.consent_propagation_days()))

activities = ui.call(consent.consent_activities, actor=actor).value or []
by_id = {a.activity.id: a for a in activities}
tab_withdrawals, tab_procedures = st.tabs([tr("consent.tab.withdrawals"), tr("consent.tab.procedures")],
                                          key="consent_tabs")

with tab_withdrawals:
    if manager and activities:
        with st.expander(tr("consent.record"), icon=":material/person_remove:"):
            new = CaseForms("consent_new")
            today = new.fixed("today", paris_today)  # fixed when the form opens
            activity_id = st.selectbox(tr("consent.col.activity"), list(by_id), key=new.key("activity"),
                                       format_func=lambda i: f"{by_id[i].activity.reference} — "
                                                             f"{ui.literal(by_id[i].activity.name)}")
            chosen = by_id[activity_id]
            if chosen.systems:
                st.caption(tr("consent.systems_listed", systems=", ".join(ui.literal(s.name) for s in chosen.systems)))
            else:
                st.warning(tr("consent.no_system"))
            requests = ui.call(consent.withdrawal_requests, chosen.activity.entity_id, actor=actor).value or []
            request_labels = {r.id: f"{r.reference} ({tr.date(r.received_on)})" for r in requests}
            with st.form(new.key("form")):
                received_on = st.date_input(tr("consent.col.received_on"), value=today, max_value=today,
                                            key=new.key("received_on"), format="DD/MM/YYYY")
                channel = st.selectbox(tr("consent.col.channel"), list(CHANNELS), key=new.key("channel"),
                                       format_func=lambda c: tr(f"consent.channel.{c}"))
                source_reference = st.text_input(tr("consent.col.source_reference"), max_chars=100,
                                                  key=new.key("source_reference"), help=tr("consent.minimisation"))
                dsr_id = st.selectbox(tr("consent.col.request"), [None, *request_labels], key=new.key("dsr"),
                                      format_func=lambda i: request_labels.get(i, tr("consent.no_request")))
                if st.form_submit_button(tr("consent.record_button"), type="primary"):
                    outcome = ui.call(consent.record_withdrawal,
                                      {"activity_id": activity_id, "received_on": received_on, "channel": channel,
                                       "source_reference": source_reference, "dsr_id": dsr_id, "today": today},
                                      actor=actor)
                    if outcome.ok:
                        new.reset()  # before any Streamlit call: see CaseForms
                        st.query_params["id"] = str(outcome.value.id)
                        st.session_state["consent_pick"] = outcome.value.id  # the picker below follows
                        new.done(outcome, "consent.recorded", reference=outcome.value.reference)

    rows = ui.call(consent.list_withdrawals, actor=actor).value or []
    if not rows:
        st.info(tr("consent.none"))
    else:
        def _state(row) -> str:
            if row.withdrawal.status == "done":
                return tr("consent.state.done", date=tr.date(row.withdrawal.done_on))
            return tr("consent.state.late") if row.late else tr("consent.state.open")

        st.dataframe([{tr("consent.col.reference"): r.withdrawal.reference, tr("consent.col.activity"): r.activity_name,
                       tr("consent.col.received_on"): tr.date(r.withdrawal.received_on),
                       tr("consent.col.channel"): tr(f"consent.channel.{r.withdrawal.channel}"),
                       tr("consent.col.due_on"): tr.date(r.withdrawal.due_on),
                       tr("consent.col.systems"): f"{r.steps_done} / {r.steps}", tr("consent.col.state"): _state(r)}
                      for r in rows], hide_index=True, width="stretch")
        labels = {r.withdrawal.id: f"{r.withdrawal.reference} — {ui.literal(r.activity_name)}" for r in rows}
        requested = st.query_params.get("id", "")
        selected = int(requested) if requested.isdigit() and int(requested) in labels else rows[0].withdrawal.id
        options = list(labels)
        picked = st.selectbox(tr("consent.choose"), options, index=options.index(selected), format_func=labels.get,
                              key="consent_pick")
        if picked != selected or requested != str(picked):
            st.query_params["id"] = str(picked)
            st.rerun()
        view = ui.call(consent.get_withdrawal, picked, actor=actor).value
        if view is not None:
            w = view.withdrawal
            st.subheader(f"{w.reference} — {ui.literal(view.activity.name)}")
            st.markdown(f"**{tr('consent.col.entity')}** : {ui.literal(view.entity_name)}  \n"
                        f"**{tr('consent.col.received_on')}** : {tr.date(w.received_on)} — "
                        f"**{tr('consent.col.channel')}** : {tr(f'consent.channel.{w.channel}')}"
                        + (f" — **{tr('consent.col.source_reference')}** : {ui.literal(w.source_reference)}"
                           if w.source_reference else "") + "  \n"
                        f"**{tr('consent.col.due_on')}** : {tr.date(w.due_on)}")
            if view.request_reference:
                st.page_link(DSR_PAGE, label=tr("consent.open_request", reference=view.request_reference),
                             icon=":material/link:", query_params={"id": str(w.dsr_id)})
            forms = CaseForms("consent_withdrawal", w.id)
            today = forms.fixed("today", paris_today)
            st.markdown(f"**{tr('consent.checklist')}**")
            for row in view.steps:
                step = row.step
                with st.container(border=True, key=f"consent_step_{step.id}"):
                    head = f"**{ui.literal(step.system_name)}** — {ui.literal(row.department_name)}"
                    # which forms are drawn: as this user first saw the step, see CaseForms.fixed
                    open_when_seen = forms.fixed(f"open{step.id}", lambda: step.done_on is None)
                    if step.done_on:
                        st.markdown(head + "  \n" + tr("consent.step_done", date=tr.date(step.done_on),
                                                       by=ui.literal(step.done_by_name))
                                    + (f" — {ui.literal(step.note)}" if step.note else ""))
                    else:
                        st.markdown(head + "  \n" + (tr("consent.state.late") if row.late
                                                      else tr("consent.state.open")))
                    if row.can_tick and open_when_seen:
                        with st.form(forms.key("step", step.id)):
                            done_on = st.date_input(tr("consent.col.done_on"), value=today, max_value=today,
                                                    min_value=w.received_on, key=forms.key("done_on", step.id),
                                                    format="DD/MM/YYYY")
                            note = st.text_input(tr("consent.col.note"), max_chars=500,
                                                 key=forms.key("note", step.id))
                            if st.form_submit_button(tr("consent.tick"), type="primary"):
                                forms.done(ui.call(consent.tick_step, step.id,
                                                   forms.version("step", step.version, str(step.id)), done_on, note,
                                                   today=today, actor=actor), "consent.ticked")

with tab_procedures:
    if not activities:
        st.info(tr("consent.no_activity"))
    for item in activities:
        a = item.activity
        with st.expander(f"{a.reference} — {ui.literal(a.name)} ({ui.literal(item.entity_name)})"):
            procedure = item.procedure
            st.markdown(f"**{tr('consent.col.collection_method')}** : "
                        f"{ui.literal(procedure.collection_method) if procedure else '—'}  \n"
                        f"**{tr('consent.col.proof_location')}** : "
                        f"{ui.literal(procedure.proof_location) if procedure else '—'}  \n"
                        f"**{tr('register.col.consent_records')}** : {ui.literal(item.register_records or '—')}  \n"
                        f"**{tr('register.col.withdrawal_propagation')}** : "
                        f"{ui.literal(item.register_propagation or '—')}  \n"
                        f"**{tr('consent.col.systems')}** : "
                        f"{', '.join(ui.literal(s.name) for s in item.systems) or tr('consent.no_system_short')}")
            if manager:
                pforms = CaseForms("consent_procedure", a.id)
                version = pforms.version("procedure", procedure.version) if procedure else None
                with st.form(pforms.key("form")):
                    method = st.text_area(tr("consent.col.collection_method"), max_chars=1000,
                                          value=procedure.collection_method if procedure else "",
                                          key=pforms.key("method"))
                    proof = st.text_area(tr("consent.col.proof_location"), max_chars=1000,
                                         value=procedure.proof_location if procedure else "", key=pforms.key("proof"))
                    if st.form_submit_button(tr("common.save")):
                        pforms.done(ui.call(consent.save_procedure, a.id, version, method, proof, actor=actor))
                st.page_link(RETENTION_PAGE, label=tr("consent.manage_systems"), icon=":material/dns:")
