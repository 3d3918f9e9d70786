from pathlib import Path

import streamlit as st

from dashboard.attachments_ui import attachments_section
from dashboard import evidence, ui
from dashboard.charts.risk_map import risk_map_figure
from dashboard.dpia import cases, content, decision, documents
from dashboard.form_state import CaseForms, OneShot
from models.dpia_rules import (
    ACTION_STATUSES, CONTEXT_ITEMS, LEVELS, PRINCIPLE_ITEMS, DpiaStatus, Evaluation, MeasureStatus, RiskKind,
    can_transition, is_high_risk, residual_levels, risk_zone,
)
from models.clock import paris_today
from models.dpia_snapshot import risk_letters
from models.roles import Capability

actor = ui.page_actor(page="dpia-detail")
tr = ui.tr()
REGISTER = str(Path(__file__).with_name("dpia_register.py"))
CURRENT = "_dpia_current"

raw_id = st.query_params.get("id", "")
if raw_id.isdigit():
    st.session_state[CURRENT] = int(raw_id)
dpia_id = st.session_state.get(CURRENT)
if dpia_id is None:
    st.title(tr("dpia.nav.detail"))
    latest = ui.call(cases.list_dpias, cases.DpiaFilter(), 1, 50, actor=actor).value
    rows = {r.id: r for r in latest.rows} if latest else {}
    chosen = st.selectbox(tr("dpia.register.open"), list(rows), index=None, placeholder=tr("dpia.field.choose"),
                          format_func=lambda i: f"{rows[i].reference} — {rows[i].title}", key="dpia_detail_pick")
    st.page_link(REGISTER, label=tr("dpia.detail.back"), icon=":material/arrow_back:")
    if chosen is None:
        st.stop()
    st.session_state[CURRENT] = dpia_id = chosen

loaded = ui.call(cases.get_dpia, dpia_id, actor=actor)
if not loaded.ok:
    st.session_state.pop(CURRENT, None)
    st.stop()
view = loaded.value
if st.query_params.get("id") != str(view.id):  # the URL names the DPIA before any form is drawn: a
    st.query_params["id"] = str(view.id)  # later run would otherwise take it for another page and drop the input
    st.rerun()
letters = risk_letters(view.active_risks)
measure_titles = {m.id: m.title for m in view.measures}
forms = CaseForms("dpia", view.id)
key = forms.key  # a new generation after the user's own save: the forms show the stored values
version = forms.version("dpia", view.version)  # what the user saw, kept across reruns: a stale save is refused
saved = forms.done  # outside a form: a refused save offers a button to reload the case
# which forms are drawn: as this user first saw the DPIA, see CaseForms.fixed
can_edit = forms.fixed("can_edit", lambda: view.can_edit)
can_track = forms.fixed("can_track", lambda: view.can_track)
can_give_opinion = forms.fixed("can_give_opinion", lambda: view.can_give_opinion)
seen_status = forms.fixed("status", lambda: view.status)


def risk_name(risk) -> str:
    return risk.title if risk.kind == RiskKind.CUSTOM else tr(f"dpia.risk.kind.{risk.kind}")


def zone_of(risk) -> str:
    severity, likelihood = residual_levels(*risk.levels())
    return tr(f"dpia.map.zone.{risk_zone(severity, likelihood)}") if severity is not None else "—"


def levels_text(severity, likelihood) -> str:
    if severity is None:
        return tr("dpia.risk.not_placed")
    return tr("dpia.detail.levels", severity=tr(f"dpia.level.{severity}").lower(),
              likelihood=tr(f"dpia.level.{likelihood}").lower())


def choice(label: str, options, current, name: str, prefix: str):
    """One of a few values, or none yet (click the chosen one again to clear it)."""
    return st.segmented_control(label, list(options), default=current if current in options else None,
                                format_func=lambda v: tr(f"{prefix}.{v}"), key=key(name))


BADGES = {"acceptable": "green", "improvable": "orange", "to_correct": "red"}


def plain(text: str) -> None:
    """User text shown as written (no markdown), line breaks kept."""
    st.markdown(ui.literal(text) if text else "—")


def badge(status: str | None) -> str:
    if not status:
        return f":gray-badge[{tr('dpia.evaluation.pending')}]"
    return f":{BADGES[status]}-badge[{tr(f'dpia.evaluation.{status}')}]"


def show_evaluation(status: str | None, comment: str) -> None:
    st.markdown(f"{tr('dpia.detail.evaluation')} : {badge(status)}"
                + (f" — {ui.literal(comment)}" if comment else ""))


def show_item(item) -> None:
    st.subheader(tr(f"dpia.item.{item.key}"))
    for question in item.questions:
        st.markdown(f"**{tr(f'dpia.question.{question}')}**")
        plain(view.answers.get(question, ""))
        if item.per_question:
            evaluation = view.evaluations.get(f"{item.reference}.{question}")
            show_evaluation(evaluation.status if evaluation else None, evaluation.comment if evaluation else "")
    if not item.per_question:
        evaluation = view.evaluations.get(item.reference)
        show_evaluation(evaluation.status if evaluation else None, evaluation.comment if evaluation else "")
    st.divider()


def show_risk(risk) -> None:
    for field in ("impacts", "threats", "sources"):
        values = getattr(risk, field)
        st.markdown(f"**{tr(f'dpia.risk.{field}')}**")
        plain("\n".join(f"• {v}" for v in values))
    st.markdown(f"**{tr('dpia.risk.measures')}**")
    plain("\n".join(f"• {measure_titles[i]}" for i in risk.measure_ids if i in measure_titles))
    left, right = st.columns(2)
    left.markdown(f"**{tr('dpia.map.before')}** : {levels_text(risk.severity_before, risk.likelihood_before)}")
    with left:
        for label, note in (("dpia.risk.severity_note", risk.severity_note),
                            ("dpia.risk.likelihood_note", risk.likelihood_note)):
            if note:
                st.caption(tr(label))
                plain(note)
    right.markdown(f"**{tr('dpia.map.after')}** : {levels_text(risk.severity_after, risk.likelihood_after)}")
    show_evaluation(risk.evaluation or None, risk.evaluation_comment)


def evaluation_fields(reference: str) -> dict:
    current = view.evaluations.get(reference)
    left, right = st.columns([2, 3])
    with left:
        status = choice(tr("dpia.detail.evaluation"), list(Evaluation), current.status if current else None,
                        f"e{reference}", "dpia.evaluation")
    with right:
        comment = st.text_input(tr("dpia.detail.evaluation_comment"), value=current.comment if current else "",
                                key=key(f"c{reference}"))
    return {"status": status, "comment": comment}


# ------------------------------------------------------------------ header

st.page_link(REGISTER, label=tr("dpia.detail.back"), icon=":material/arrow_back:")
st.header(f"{view.reference} — {ui.literal(view.title)}")
st.caption(f"{view.activity_reference} — {ui.literal(view.activity_name)} · {ui.literal(view.entity_name)}")
status_col, review_col, overdue_col, art36_col = st.columns(4)
status_col.metric(tr("dpia.detail.status"), tr(f"dpia.status.{view.status}"))
review_col.metric(tr("dpia.detail.review_date"), tr.date(view.review_date))
overdue_col.metric(tr("dpia.detail.overdue_actions"), view.overdue_actions)
art36_col.metric(tr("dpia.detail.art36"), tr("common.yes") if view.prior_consultation
                 else tr("common.no") if view.prior_consultation_state == "not_required"
                 else tr("dpia.detail.art36_not_assessed"))
if view.prior_consultation:
    st.error(tr("dpia.detail.art36_warning"), icon=":material/warning:")
if not view.can_edit and view.can_manage and view.status != DpiaStatus.ARCHIVED:
    st.info(tr("dpia.detail.locked"))

tabs = st.tabs([tr("dpia.tab.context"), tr("dpia.tab.principles"), tr("dpia.tab.measures"), tr("dpia.tab.risks"),
                tr("dpia.tab.map"), tr("dpia.tab.validation"), tr("dpia.tab.documents")],
               key=f"dpia_{view.id}_tabs", on_change="rerun")  # a save keeps the tab

# ------------------------------------------------------------------ context and principles

for tab, items in ((tabs[0], CONTEXT_ITEMS), (tabs[1], PRINCIPLE_ITEMS)):
    with tab:
        if items is CONTEXT_ITEMS and view.status == "draft" and view.answers and can_edit:
            st.info(tr("dpia.prefilled_notice"), icon=":material/edit_note:")  # untouched since the register filled it
        for item in items:
            if not can_edit:
                show_item(item)
                continue
            with st.form(key(f"item{item.reference}")):
                st.subheader(tr(f"dpia.item.{item.key}"))
                answers, evaluations = {}, {}
                for question in item.questions:
                    answers[question] = st.text_area(
                        tr(f"dpia.question.{question}"), value=view.answers.get(question, ""), height=110,
                        placeholder=tr(f"dpia.question.help.{question}"), key=key(f"q{question}"))
                    if item.per_question:
                        evaluations[f"{item.reference}.{question}"] = evaluation_fields(f"{item.reference}.{question}")
                        st.divider()
                if not item.per_question:
                    evaluations[item.reference] = evaluation_fields(item.reference)
                submitted = st.form_submit_button(tr("common.save"), type="primary")
            if submitted:
                saved(ui.call(content.save_item, view.id, version, item.reference,
                              {"answers": answers, "evaluations": evaluations}, actor=actor))

# ------------------------------------------------------------------ measures and action plan

with tabs[2]:
    st.subheader(tr("dpia.section.measures"))
    if view.measures:
        st.dataframe(
            [{tr("dpia.measure.title"): m.title, tr("dpia.measure.status"): tr(f"dpia.measure.status.{m.status}"),
              tr("dpia.measure.owner"): m.owner or "—", tr("dpia.measure.due_date"): tr.date(m.due_date),
              tr("dpia.measure.done_on"): tr.date(m.done_on),
              tr("dpia.detail.late"): "⚠ " + tr("dpia.measure.overdue") if m.overdue else ""}
             for m in view.measures], hide_index=True, width="stretch")
    else:
        st.info(tr("dpia.detail.no_measure"))
    statuses = list(MeasureStatus)
    if can_edit:
        with st.expander(tr("dpia.detail.add_measure"), icon=":material/add:",
                         key=f"dpia_{view.id}_add_measure_open"):
            with st.form(key("add_measure")):
                title = st.text_input(tr("dpia.measure.title"), max_chars=300, key=key("new_measure_title"))
                description = st.text_area(tr("dpia.measure.description"), key=key("new_measure_description"))
                left, middle, right = st.columns(3)
                status = left.selectbox(tr("dpia.measure.status"), statuses[:4], key=key("new_measure_status"),
                                        format_func=lambda s: tr(f"dpia.measure.status.{s}"))
                owner = middle.text_input(tr("dpia.measure.owner"), max_chars=200, key=key("new_measure_owner"))
                due = right.date_input(tr("dpia.measure.due_date"), value=None, format="DD/MM/YYYY",
                                       key=key("new_measure_due"), help=tr("dpia.detail.plan_help"))
                submitted = st.form_submit_button(tr("common.create"), type="primary")
            if submitted:
                saved(ui.call(content.save_measure, view.id, version, None,
                              {"title": title, "description": description, "status": status, "owner": owner,
                               "due_date": due}, actor=actor))
    followed = [m for m in view.measures if can_edit or m.status in ACTION_STATUSES | {MeasureStatus.CANCELLED}]
    if can_track and followed:
        by_id = {m.id: m for m in followed}
        with st.expander(tr("dpia.detail.edit_measure") if can_edit else tr("dpia.detail.track_action"),
                         icon=":material/edit:", key=f"dpia_{view.id}_edit_measure_open"):
            picked = st.selectbox(tr("dpia.measure.title"), list(by_id), format_func=lambda i: by_id[i].title,
                                  key=key("edit_measure_pick"))
            measure = by_id[picked]
            allowed = statuses if can_edit else [s for s in statuses if s != MeasureStatus.EXISTING]
            with st.form(key(f"edit_measure_{measure.id}")):
                title = st.text_input(tr("dpia.measure.title"), value=measure.title, max_chars=300,
                                      disabled=not can_edit, key=key(f"m{measure.id}_title"))
                description = st.text_area(tr("dpia.measure.description"), value=measure.description,
                                           disabled=not can_edit, key=key(f"m{measure.id}_description"))
                first, second, third, fourth = st.columns(4)
                status = first.selectbox(tr("dpia.measure.status"), allowed, index=allowed.index(measure.status),
                                         format_func=lambda s: tr(f"dpia.measure.status.{s}"),
                                         key=key(f"m{measure.id}_status"))
                owner = second.text_input(tr("dpia.measure.owner"), value=measure.owner, max_chars=200,
                                          key=key(f"m{measure.id}_owner"))
                due = third.date_input(tr("dpia.measure.due_date"), value=measure.due_date, format="DD/MM/YYYY",
                                       key=key(f"m{measure.id}_due"))
                done_on = fourth.date_input(tr("dpia.measure.done_on"), value=measure.done_on, format="DD/MM/YYYY",
                                            key=key(f"m{measure.id}_done"))
                submitted = st.form_submit_button(tr("common.save"), type="primary")
            if submitted and can_edit:
                saved(ui.call(content.save_measure, view.id, version, measure.id,
                              {"title": title, "description": description, "status": status, "owner": owner,
                               "due_date": due, "done_on": done_on}, actor=actor))
            elif submitted:
                saved(ui.call(content.track_action, view.id, version, measure.id,
                              {"status": status, "owner": owner, "due_date": due, "done_on": done_on},
                              actor=actor))

# ------------------------------------------------------------------ risks

with tabs[3]:
    st.caption(tr("dpia.detail.risks_intro"))
    for risk in view.active_risks:
        summary = (f"{levels_text(risk.severity_before, risk.likelihood_before)} → "
                   f"{levels_text(risk.severity_after, risk.likelihood_after)}")
        high = is_high_risk(*residual_levels(*risk.levels()))
        with st.expander(f"({letters[risk.id]}) {ui.literal_label(risk_name(risk))} — {summary}",
                         icon=":material/warning:" if high else None, key=f"dpia_{view.id}_risk_{risk.id}_open"):
            if not can_edit:
                show_risk(risk)
                continue
            with st.form(key(f"risk{risk.id}")):
                title = risk.title
                if risk.kind == RiskKind.CUSTOM:
                    title = st.text_input(tr("dpia.risk.title"), value=risk.title, max_chars=300,
                                          key=key(f"r{risk.id}_title"))
                impacts, threats, sources = (
                    st.text_area(tr(f"dpia.risk.{field}"), value="\n".join(getattr(risk, field)), height=90,
                                 help=tr("dpia.risk.one_per_line"), key=key(f"r{risk.id}_{field}"))
                    for field in ("impacts", "threats", "sources"))
                measure_ids = st.multiselect(tr("dpia.risk.measures"), list(measure_titles),
                                             default=[i for i in risk.measure_ids if i in measure_titles],
                                             format_func=measure_titles.get, key=key(f"r{risk.id}_measures"),
                                             placeholder=tr("common.none"))
                st.markdown(f"**{tr('dpia.map.before')}**")
                left, right = st.columns(2)
                with left:
                    severity_before = choice(tr("dpia.risk.severity_before"), LEVELS, risk.severity_before,
                                             f"r{risk.id}_sb", "dpia.level")
                    severity_note = st.text_area(tr("dpia.risk.severity_note"), value=risk.severity_note,
                                                 height=80, key=key(f"r{risk.id}_sn"))
                with right:
                    likelihood_before = choice(tr("dpia.risk.likelihood_before"), LEVELS, risk.likelihood_before,
                                               f"r{risk.id}_lb", "dpia.level")
                    likelihood_note = st.text_area(tr("dpia.risk.likelihood_note"), value=risk.likelihood_note,
                                                   height=80, key=key(f"r{risk.id}_ln"))
                st.markdown(f"**{tr('dpia.map.after')}**")
                left, right = st.columns(2)
                with left:
                    severity_after = choice(tr("dpia.risk.severity_after"), LEVELS, risk.severity_after,
                                            f"r{risk.id}_sa", "dpia.level")
                with right:
                    likelihood_after = choice(tr("dpia.risk.likelihood_after"), LEVELS, risk.likelihood_after,
                                              f"r{risk.id}_la", "dpia.level")
                left, right = st.columns([2, 3])
                with left:
                    evaluation = choice(tr("dpia.detail.evaluation"), list(Evaluation), risk.evaluation or None,
                                        f"r{risk.id}_ev", "dpia.evaluation")
                with right:
                    evaluation_comment = st.text_input(tr("dpia.detail.evaluation_comment"),
                                                       value=risk.evaluation_comment, key=key(f"r{risk.id}_ec"))
                submitted = st.form_submit_button(tr("common.save"), type="primary")
            if submitted:
                saved(ui.call(content.save_risk, view.id, version, risk.id, {
                    "title": title, "impacts": impacts.splitlines(), "threats": threats.splitlines(),
                    "sources": sources.splitlines(), "measure_ids": measure_ids,
                    "severity_before": severity_before, "likelihood_before": likelihood_before,
                    "severity_note": severity_note, "likelihood_note": likelihood_note,
                    "severity_after": severity_after, "likelihood_after": likelihood_after,
                    "evaluation": evaluation, "evaluation_comment": evaluation_comment}, actor=actor))
            if risk.kind == RiskKind.CUSTOM:
                if st.button(tr("dpia.risk.withdraw"), key=key(f"r{risk.id}_withdraw"), icon=":material/delete:"):
                    saved(ui.call(content.withdraw_risk, view.id, version, risk.id, actor=actor))
    if can_edit:
        with st.expander(tr("dpia.risk.add"), icon=":material/add:", key=f"dpia_{view.id}_add_risk_open"):
            with st.form(key("add_risk")):
                title = st.text_input(tr("dpia.risk.title"), max_chars=300, key=key("new_risk_title"))
                impacts = st.text_area(tr("dpia.risk.impacts"), help=tr("dpia.risk.one_per_line"),
                                       key=key("new_risk_impacts"))
                submitted = st.form_submit_button(tr("common.create"), type="primary")
            if submitted:
                saved(ui.call(content.add_custom_risk, view.id, version,
                              {"title": title, "impacts": impacts.splitlines()}, actor=actor))

# ------------------------------------------------------------------ risk map

with tabs[4]:
    placed = [r for r in view.active_risks if r.severity_before is not None or r.severity_after is not None]
    if placed:
        st.plotly_chart(risk_map_figure(tr, [(letters[r.id], risk_name(r), *r.levels()) for r in view.active_risks]),
                        key=key("map"), config={"displayModeBar": False})
    else:
        st.info(tr("dpia.map.empty"))
    st.dataframe(
        [{tr("dpia.detail.marker"): letters[r.id], tr("dpia.detail.risk"): risk_name(r),
          tr("dpia.map.before"): levels_text(r.severity_before, r.likelihood_before),
          tr("dpia.map.after"): levels_text(r.severity_after, r.likelihood_after),
          tr("dpia.detail.residual"): zone_of(r)}
         for r in view.active_risks], hide_index=True, width="stretch")

# ------------------------------------------------------------------ validation

with tabs[5]:
    st.subheader(tr("dpia.detail.art36_title"))
    if view.prior_consultation:
        st.markdown(tr("dpia.detail.art36_howto"))
        if view.cnil_consulted_on:
            st.info(tr("dpia.report.cnil_consulted", received=tr.date(view.cnil_consulted_on),
                       due=tr.date(view.cnil_answer_due)))
        if can_track:
            with st.form(key("cnil")):
                received = st.date_input(tr("dpia.detail.cnil_received"), value=view.cnil_consulted_on,
                                         format="DD/MM/YYYY", key=key("cnil_received"))
                submitted = st.form_submit_button(tr("common.save"))
            if submitted and received is not None:
                saved(ui.call(decision.record_cnil_consultation, view.id, version, received, actor=actor))
        if view.cnil_extended:
            st.info(tr("dpia.report.cnil_extended", notified=tr.date(view.cnil_extension_notified_on)))
        if view.cnil_answer_on:
            st.info(f"{tr('dpia.report.cnil_answer', answered=tr.date(view.cnil_answer_on))} "
                    f"{ui.literal(view.cnil_answer)}")
        if can_track and view.cnil_consulted_on:
            with st.form(key("cnil_extension")):
                notified = st.date_input(tr("dpia.detail.cnil_extension"), value=view.cnil_extension_notified_on,
                                         format="DD/MM/YYYY", key=key("cnil_extension_on"))
                reasons = st.text_area(tr("dpia.detail.cnil_extension_reasons"), value=view.cnil_extension_reasons,
                                       key=key("cnil_extension_reasons"))
                submitted_ext = st.form_submit_button(tr("common.save"))
            if submitted_ext and notified is not None:
                saved(ui.call(decision.record_cnil_extension, view.id, version,
                              {"notified_on": notified, "reasons": reasons}, actor=actor))
            with st.form(key("cnil_answer")):
                answered = st.date_input(tr("dpia.detail.cnil_answer_on"), value=view.cnil_answer_on,
                                         format="DD/MM/YYYY", key=key("cnil_answer_on"))
                answer = st.text_area(tr("dpia.detail.cnil_answer"), value=view.cnil_answer, key=key("cnil_answer"))
                submitted_answer = st.form_submit_button(tr("common.save"))
            if submitted_answer and answered is not None:
                saved(ui.call(decision.record_cnil_answer, view.id, version,
                              {"answered_on": answered, "answer": answer}, actor=actor))
    elif view.prior_consultation_state == "not_required":
        st.success(tr("dpia.report.prior_consultation_no"))
    else:
        st.info(tr("dpia.report.prior_consultation_not_assessed"))

    pia_plans = [(ref, e) for ref, e in sorted(view.evaluations.items()) if e.action_plan or e.action_owner]
    pia_measures = [m for m in view.measures if m.evaluation or m.evaluation_comment or m.action_plan]
    if (view.evaluator_name or view.category or view.rejection_reason or view.applied_adjustments or pia_plans
            or pia_measures or view.comments):
        with st.expander(tr("dpia.pia_fields.title"), icon=":material/input:", key=f"dpia_{view.id}_pia_fields"):
            if view.evaluator_name or view.category:
                st.markdown(tr("dpia.pia_fields.evaluator", name=ui.literal(view.evaluator_name or "—"),
                               category=ui.literal(view.category or "—")))
            for label, text in (("dpia.pia_fields.rejection_reason", view.rejection_reason),
                                ("dpia.pia_fields.applied_adjustments", view.applied_adjustments)):
                if text:
                    st.markdown(f"**{tr(label)}**")
                    plain(text)
            for ref, evaluation in pia_plans:
                st.markdown(f"**{tr('dpia.pia_fields.action_plan', reference=ref)}** "
                            + ui.literal(" — ".join(p for p in (evaluation.action_owner,
                                                                tr.date(evaluation.action_due)
                                                                if evaluation.action_due else "") if p)))
                plain(evaluation.action_plan)
            for measure in pia_measures:
                st.markdown(f"**{ui.literal(measure.title)}** — {badge(measure.evaluation or None)}")
                plain("\n\n".join(t for t in (measure.evaluation_comment, measure.action_plan) if t))
            for comment in view.comments:
                target = (view.measure(comment.measure_id).title if comment.measure_id and view.measure(
                    comment.measure_id) else str(comment.question_id or ""))
                st.markdown(f"**{tr('dpia.pia_fields.comment', target=ui.literal(target))}**")
                plain(comment.description)

    st.subheader(tr("dpia.report.dpo_opinion"))
    if view.dpo_opinion:
        verdict = tr("dpia.opinion.favourable") if view.dpo_favourable else tr("dpia.opinion.unfavourable")
        st.markdown(f"**{ui.literal(view.dpo_name)} — {verdict}** ({tr.datetime(view.dpo_opinion_at)})")
        plain(view.dpo_opinion)
    elif not can_give_opinion:
        st.info(tr("dpia.detail.awaiting_dpo"))
    if can_give_opinion:
        with st.form(key("dpo")):
            name = st.text_input(tr("dpia.detail.dpo_name"), value=view.dpo_name or actor.full_name, max_chars=200,
                                 key=key("dpo_name"))
            favourable = st.segmented_control(
                tr("dpia.detail.verdict"), [True, False], default=view.dpo_favourable, key=key("dpo_verdict"),
                format_func=lambda v: tr("dpia.opinion.favourable") if v else tr("dpia.opinion.unfavourable"))
            opinion = st.text_area(tr("dpia.detail.dpo_opinion"), value=view.dpo_opinion, key=key("dpo_opinion"))
            submitted = st.form_submit_button(tr("dpia.detail.give_opinion"), type="primary")
        if submitted:
            saved(ui.call(decision.give_dpo_opinion, view.id, version,
                          {"dpo_name": name, "favourable": favourable, "opinion": opinion}, actor=actor))

    st.subheader(tr("dpia.report.people_views"))
    if not can_edit:
        if view.people_sought is None:
            st.info(tr("dpia.report.not_given"))
        elif view.people_sought:
            verdict = {True: tr("dpia.opinion.favourable"), False: tr("dpia.opinion.unfavourable")}.get(
                view.people_favourable, "—")
            st.markdown(f"**{ui.literal(view.people_names)} — {verdict}**")
            plain(view.people_opinion)
        else:
            st.markdown(f"**{tr('dpia.people.not_sought')}**")
            plain(view.people_not_sought_reason)
    else:
        with st.form(key("people")):
            sought = st.segmented_control(
                tr("dpia.detail.people_sought"), [True, False], default=view.people_sought, key=key("people_sought"),
                format_func=lambda v: tr("common.yes") if v else tr("common.no"))
            left, right = st.columns(2)
            with left:
                st.caption(tr("dpia.detail.if_sought"))
                names = st.text_input(tr("dpia.detail.people_names"), value=view.people_names, max_chars=300,
                                      key=key("people_names"))
                people_favourable = st.segmented_control(
                    tr("dpia.detail.verdict"), [True, False], default=view.people_favourable,
                    key=key("people_verdict"),
                    format_func=lambda v: tr("dpia.opinion.favourable") if v else tr("dpia.opinion.unfavourable"))
                people_opinion = st.text_area(tr("dpia.detail.people_opinion"), value=view.people_opinion,
                                              key=key("people_opinion"))
            with right:
                st.caption(tr("dpia.detail.if_not_sought"))
                reason = st.text_area(tr("dpia.detail.people_reason"), value=view.people_not_sought_reason,
                                      key=key("people_reason"))
            submitted = st.form_submit_button(tr("common.save"), type="primary")
        if submitted and sought is None:
            st.error(tr("dpia.validation.people_views"))
        elif submitted:
            saved(ui.call(decision.record_people_views, view.id, version,
                          {"sought": sought, "names": names, "favourable": people_favourable,
                           "opinion": people_opinion, "not_sought_reason": reason}, actor=actor))

    st.subheader(tr("dpia.report.decision"))
    if view.decided_on:
        st.markdown(f"**{tr(f'dpia.status.{view.status}')}** — {ui.literal(view.decision_by)}, {tr.date(view.decided_on)}")
        if view.decision_comment:
            plain(view.decision_comment)
        if view.review_date:
            st.markdown(f"{tr('dpia.report.review_date')} : **{tr.date(view.review_date)}**")
    decidable = view.can_manage and can_transition(seen_status, DpiaStatus.VALIDATED)
    if decidable:
        with st.form(key("decision")):
            st.caption(tr("dpia.detail.decision_help"))
            decision_by = st.text_input(tr("dpia.detail.decision_by"), value=view.decision_by, max_chars=200,
                                        key=key("decision_by"))
            left, right = st.columns(2)
            decided_on = left.date_input(tr("dpia.detail.decided_on"), value=forms.fixed("today", paris_today),
                                         format="DD/MM/YYYY", key=key("decided_on"))
            review_date = right.date_input(tr("dpia.report.review_date"), value=None, format="DD/MM/YYYY",
                                           key=key("review_date"), help=tr("dpia.detail.review_help"))
            comment = st.text_area(tr("dpia.detail.decision_comment"), key=key("decision_comment"))
            left, right = st.columns(2)
            validate = left.form_submit_button(tr("dpia.detail.validate"), type="primary",
                                               icon=":material/verified:")
            refuse = right.form_submit_button(tr("dpia.detail.refuse"), icon=":material/block:")
        data = {"decision_by": decision_by, "decided_on": decided_on, "review_date": review_date, "comment": comment}
        if validate:
            saved(ui.call(decision.validate_dpia, view.id, version, data, actor=actor))
        if refuse:
            saved(ui.call(decision.refuse_dpia, view.id, version, data, actor=actor))
    if view.can_manage:
        left, right = st.columns(2)
        if can_transition(seen_status, DpiaStatus.IN_PROGRESS) and seen_status != DpiaStatus.DRAFT:
            if left.button(tr("dpia.detail.reopen"), key=key("reopen"), icon=":material/lock_open:"):
                saved(ui.call(cases.change_status, view.id, version, DpiaStatus.IN_PROGRESS, actor=actor))
        if can_transition(seen_status, DpiaStatus.ARCHIVED):
            confirm = right.checkbox(tr("dpia.detail.archive_confirm"), key=key("archive_confirm"))
            if right.button(tr("dpia.detail.archive"), key=key("archive"), icon=":material/archive:",
                            disabled=not confirm):
                saved(ui.call(cases.change_status, view.id, version, DpiaStatus.ARCHIVED, actor=actor))

# ------------------------------------------------------------------ documents

with tabs[6]:
    export_key = f"_dpia_export_{view.id}"
    report = OneShot(f"dpia_report_{view.id}")
    left, right = st.columns(2)
    with left:
        st.subheader(tr("dpia.detail.report"))
        st.caption(tr("dpia.detail.report_help"))
        if view.can_manage and st.button(tr("dpia.detail.issue_report"), key=report.key, type="primary",
                                         icon=":material/picture_as_pdf:"):
            report.run(lambda: ui.call(documents.issue_report, view.id, ui.lang(), actor=actor).value)
        issued = report.outcome
        if issued is not None:
            st.success(tr("dpia.detail.report_issued", number=issued.number, code=issued.verification_code))
            st.download_button(tr("common.download_pdf"), data=issued.content, file_name=issued.filename,
                               mime="application/pdf", key=key("download_report"), icon=":material/download:")
    with right:
        st.subheader(tr("dpia.detail.export"))
        st.caption(tr("dpia.detail.export_help"))
        if st.button(tr("dpia.detail.export_button"), key=key("export"), icon=":material/data_object:"):
            exported = ui.call(documents.export_json, view.id, actor=actor)
            if exported.ok:
                st.session_state[export_key] = (exported.value.filename, exported.value.content)
        if export_key in st.session_state:
            filename, data = st.session_state[export_key]
            st.download_button(tr("dpia.detail.download_json"), data=data, file_name=filename,
                               mime="application/json", key=key("download_json"), icon=":material/download:")
    if actor.can(Capability.READ_EVIDENCE):
        st.subheader(tr("dpia.detail.issued_reports"))
        reports = ui.call(documents.reports_of, view.id, actor=actor).value or []
        if reports:
            by_id = {r.id: r for r in reports}
            st.dataframe([{tr("dpia.col.number"): r.number, tr("dpia.col.issued_at"): tr.datetime(r.issued_at),
                           tr("dpia.col.by"): r.issued_by_name, tr("field.language"): r.language.upper(),
                           "SHA-256": r.sha256} for r in reports], hide_index=True, width="stretch")
            again = st.selectbox(tr("dpia.detail.download_again"), list(by_id), key=key("again_pick"),
                                 format_func=lambda i: f"{by_id[i].number} — {tr.datetime(by_id[i].issued_at)}")
            if st.button(tr("dpia.detail.fetch"), key=key("again")):
                document = ui.call(evidence.download_document, again, actor=actor).value
                if document is not None:
                    st.download_button(tr("common.download_pdf"), data=document.content, file_name=document.filename,
                                       mime=document.media_type, key=key("again_download"))
        else:
            st.info(tr("dpia.detail.no_report"))
    attachments_section(actor, "dpia", view.id)
