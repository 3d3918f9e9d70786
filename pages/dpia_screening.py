from pathlib import Path

import streamlit as st

from dashboard import activities, ui
from dashboard.dpia import cases, screening
from dashboard.dpia.common import can_edit
from dashboard.form_state import CaseForms
from models.dpia_screening import CNIL_EXEMPT_LIST, CNIL_LIST, WP248_CRITERIA, ScreeningOutcome

actor = ui.page_actor(page="dpia-screening")
tr = ui.tr()
DETAIL = str(Path(__file__).with_name("dpia_detail.py"))
OUTCOME_BOX = {ScreeningOutcome.REQUIRED: st.warning, ScreeningOutcome.TO_CONSIDER: st.info,
               ScreeningOutcome.NOT_REQUIRED: st.success}
st.title(tr("dpia.screening.title"))
st.caption(tr("dpia.screening.intro"))


def outcome_label(outcome: str | None) -> str:
    return tr(f"dpia.screening.outcome.{outcome}") if outcome else tr("dpia.screening.never")


def show_result(result) -> None:
    OUTCOME_BOX[ScreeningOutcome(result.outcome)](
        f"**{outcome_label(result.outcome)}** — {tr(result.reason_key, **result.reason_params)}")


overview_tab, screen_tab = st.tabs([tr("dpia.screening.tab_overview"), tr("dpia.screening.tab_screen")],
                                   key="screening_tab", on_change="rerun")

with overview_tab:
    left, right = st.columns([2, 1])
    text = left.text_input(tr("dpia.screening.filter_text"), key="screening_filter_text")
    outcome = right.selectbox(tr("dpia.screening.filter_outcome"), ["", "none", *ScreeningOutcome],
                              key="screening_filter_outcome",
                              format_func=lambda o: tr("common.all") if not o else outcome_label(
                                  None if o == "none" else o))
    total = ui.call(screening.count_overview, text, outcome, actor=actor).value or 0
    page = ui.paginator("screening", total, 25)
    overview = ui.call(screening.screening_overview, text, outcome, page, 25, actor=actor).value
    if overview and overview.rows:
        columns = [tr("dpia.col.activity"), tr("dpia.col.entity"), tr("dpia.col.screening"),
                   tr("dpia.col.screened_at"), tr("dpia.col.dpia")]
        st.dataframe(
            [dict(zip(columns, (f"{r.activity_reference} — {r.activity_name}", r.entity_name,
                                outcome_label(r.outcome), tr.date(r.screened_at),
                                f"{r.dpia_reference} ({tr(f'dpia.status.{r.dpia_status}')})" if r.dpia_reference
                                else "—"))) for r in overview.rows],
            hide_index=True, width="stretch", column_config={columns[0]: st.column_config.TextColumn(width="large")})
    else:
        st.info(tr("common.empty"))

with screen_tab:
    choices = ui.call(activities.activity_choices, actor=actor).value or []
    labels, names = {c.id: c.label for c in choices}, {c.id: c.name for c in choices}
    activity_id = st.selectbox(tr("dpia.field.activity"), list(labels), format_func=labels.get,
                               key="screening_activity", index=None, placeholder=tr("dpia.field.choose"))
    if activity_id is not None:
        history = ui.call(screening.screenings_of_activity, activity_id, actor=actor).value or []
        if history:
            latest = history[0]
            st.subheader(tr("dpia.screening.latest", date=tr.datetime(latest.screened_at),
                            name=ui.literal(latest.screened_by_name)))
            show_result(latest)
            if latest.justification:
                st.markdown(f"**{tr('dpia.screening.justification')}** : {ui.literal(latest.justification)}")
            if latest.rejected:
                st.caption(f"{tr('dpia.suggest.rejected')} : "
                           + ", ".join(tr(f"dpia.criterion.{c}") for c in latest.rejected))
            with st.expander(tr("dpia.screening.history", count=len(history)),
                             key=f"screening_{activity_id}_history_open"):
                st.dataframe(
                    [{tr("dpia.col.screened_at"): tr.datetime(s.screened_at), tr("dpia.col.by"): s.screened_by_name,
                      tr("dpia.col.screening"): outcome_label(s.outcome),
                      tr("dpia.col.criteria"): ", ".join(tr(f"dpia.criterion.{c}") for c in s.criteria) or "—",
                      tr("dpia.col.cnil_list"): ", ".join(tr(f"dpia.cnil_type.{c}") for c in s.cnil_types) or "—",
                      tr("dpia.col.cnil_exempt_list"): ", ".join(tr(f"dpia.cnil_exempt_type.{c}")
                                                                 for c in s.cnil_exempt_types) or "—",
                      tr("dpia.suggest.history"): ", ".join(tr(f"dpia.criterion.{c}") for c in s.suggested) or "—",
                      tr("dpia.suggest.rejected"): ", ".join(tr(f"dpia.criterion.{c}") for c in s.rejected) or "—",
                      tr("dpia.screening.justification"): s.justification} for s in history],
                    hide_index=True, width="stretch")
        else:
            st.info(tr("dpia.screening.none_yet"))

        if can_edit(actor):
            previous = history[0] if history else None
            found = ui.call(screening.suggestions_for_activity, activity_id, actor=actor).value
            suggested = {s.criterion: s for s in found.criteria} if found else {}
            st.markdown(f"**{tr('dpia.suggest.title')}**")
            if suggested:
                st.caption(tr("dpia.suggest.intro"))
                st.info("\n".join(
                    "- " + tr("dpia.suggest.item", criterion=tr(f"dpia.criterion.{s.criterion}"),
                              reason=tr(s.reason_key, **ui.literal_params(s.params)))
                    for s in suggested.values()), icon=":material/lightbulb:")
            else:
                st.caption(tr("dpia.suggest.none"))
            if found and found.observations:
                st.markdown(f"**{tr('dpia.suggest.observations')}**")
                for note in found.observations:
                    st.caption(tr(note.reason_key, **ui.literal_params(note.params)))
            forms = CaseForms("screening", activity_id)  # after a save the form shows the new screening
            with st.form(forms.key("form")):
                st.markdown(f"**{tr('dpia.screening.criteria_title')}**")

                def criterion_label(code: str) -> str:
                    label = tr(f"dpia.criterion.{code}")
                    return f"{label} — {tr('dpia.suggest.badge')}" if code in suggested else label

                def criterion_help(code: str) -> str:
                    text = tr(f"dpia.criterion.{code}.help")
                    if code in suggested:
                        s = suggested[code]
                        text = tr(s.reason_key, **ui.literal_params(s.params)) + "\n\n" + text
                    return text

                def ticked_first(code: str) -> bool:
                    """A suggestion comes ticked, unless the last screening rejected it; a criterion
                    the last screening confirmed stays ticked."""
                    if previous and (code in previous.criteria or code in previous.rejected):
                        return code in previous.criteria
                    return code in suggested

                ticked = [code for code in WP248_CRITERIA
                          if st.checkbox(criterion_label(code), help=criterion_help(code),
                                         value=ticked_first(code),
                                         key=forms.key(code))]
                cnil_types = st.multiselect(tr("dpia.screening.cnil_title"), list(CNIL_LIST),
                                            default=list(previous.cnil_types) if previous else [],
                                            format_func=lambda c: tr(f"dpia.cnil_type.{c}"),
                                            key=forms.key("cnil"), placeholder=tr("common.none"))
                exempt_types = st.multiselect(tr("dpia.screening.exempt_title"), list(CNIL_EXEMPT_LIST),
                                              default=list(previous.cnil_exempt_types) if previous else [],
                                              format_func=lambda c: tr(f"dpia.cnil_exempt_type.{c}"),
                                              help=tr("dpia.screening.exempt_help"),
                                              key=forms.key("exempt"), placeholder=tr("common.none"))
                justification = st.text_area(tr("dpia.screening.justification"), key=forms.key("why"),
                                             help=tr("dpia.screening.justification_help"), max_chars=4000)
                submitted = st.form_submit_button(tr("dpia.screening.submit"), type="primary")
            if submitted:
                forms.done(ui.call(screening.screen_activity, activity_id,
                                   {"criteria": ticked, "cnil_types": cnil_types, "cnil_exempt_types": exempt_types,
                                    "justification": justification},
                                   actor=actor), "dpia.screening.saved")
            if history and history[0].outcome != ScreeningOutcome.NOT_REQUIRED:
                st.caption(tr("dpia.suggest.create_hint"))
                if st.button(tr("dpia.screening.start_dpia"), key=forms.key("start_dpia"), type="primary",
                             icon=":material/assignment_add:"):
                    created = ui.call(cases.create_dpia, {"activity_id": activity_id,
                                                          "title": names[activity_id]}, actor=actor)
                    if created.ok:
                        forms.opened(created.value.id, DETAIL, "dpia.register.created",
                                     reference=created.value.reference)
