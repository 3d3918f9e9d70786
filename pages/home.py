"""The deadline overview: what is late and what falls due, for every case type, within
what the user may see; the lists behind each figure; the charts."""

from dataclasses import replace
from pathlib import Path

import streamlit as st

from dashboard import alarms, calendar_feed, group_view, organisation, overview, ui
from dashboard.charts import overview as charts
from dashboard.overview import figures
from dashboard.overview.scope import CASE_TYPES, HORIZONS, PERIODS, OverviewFilter
from dashboard.overview.sources import KINDS, source
from models.roles import Role

HERE = Path(__file__).parent
CASE_PAGES = {"dsr": "dsr_case.py", "breach": "breach_case.py", "processor": "processor_file.py",
              "dpia": "dpia_detail.py", "register": "register_activity.py",
              "retention": "retention_campaigns.py", "consent": "consent_withdrawals.py"}
FOCUS = "ov_focus"  # the kind of deadline whose list is shown
CARD_WIDTH = 220  # pixels: four cards a row beside the sidebar on a 1400-pixel screen, more on a wider one

actor = ui.page_actor(page="home")
tr = ui.tr()
lang = ui.lang()
st.title(tr("overview.title"))
ui.show_alarms(ui.call(alarms.security_alarms, actor=actor, quiet=True).value)  # the DPO's security alarms

names = ui.call(organisation.names, actor=actor).value or organisation.Names({}, [])
entities = names.entities
departments = {d: name for d, name, _ in names.departments}
own_departments = {d: name for d, name, entity in names.departments if actor.covers_department(d, entity)}

# One row of four filters (a horizontal container: one block where st.columns drew five)
row = st.container(horizontal=True, gap="small", wrap=False)
entity_id = row.selectbox(tr("overview.filter.entity"), [None, *entities], key="ov_entity",
                          placeholder=tr("common.choose"),
                          format_func=lambda i: tr("common.all") if i is None else entities[i])
department_id = row.selectbox(tr("overview.filter.department"), [None, *own_departments],
                              key="ov_department", placeholder=tr("common.choose"),
                              format_func=lambda i: tr("common.all") if i is None else own_departments[i])
months = row.selectbox(tr("overview.filter.months"), PERIODS, index=PERIODS.index(12), key="ov_months",
                       placeholder=tr("common.choose"),
                       format_func=lambda m: tr("overview.filter.months_value", months=m))
horizon = row.selectbox(tr("overview.filter.horizon"), HORIZONS, index=HORIZONS.index(90), key="ov_horizon",
                        placeholder=tr("common.choose"),
                        format_func=lambda d: tr("overview.filter.horizon_value", days=d))
case_types = st.pills(tr("overview.filter.case_types"), list(CASE_TYPES), selection_mode="multi",
                      default=list(CASE_TYPES), key="ov_case_types",
                      format_func=lambda c: tr(f"overview.case_type.{c}"))
flt = OverviewFilter(entity_id=entity_id, department_id=department_id,  # one clock for every figure of the run
                     case_types=tuple(case_types) or CASE_TYPES, months=months, horizon_days=horizon).at_one_instant()

view = ui.call(overview.build, flt, with_actions=True, actor=actor).value
if view is None:
    st.stop()
head = view.headline
caption = tr("overview.caption", date=tr.date(head.today, long=True))
if actor.role == Role.DEPARTMENT_HEAD:
    caption += " " + tr("overview.scope.department_head", departments=", ".join(ui.literal(d) for d in own_departments.values()) or "—")
line = st.container(horizontal=True, vertical_alignment="center", wrap=False)  # the caption, the calendar at its right
line.caption(caption)
base_url = ui.base_url()
line.download_button(tr("overview.download_ics"), key="ov_ics", icon=":material/calendar_month:",
                     mime="text/calendar", file_name="echeances-dpo-desk.ics", on_click="ignore",
                     help=tr("overview.download_ics_help"),
                     data=lambda: ui.call(calendar_feed.calendar_file, replace(flt, now=None),  # the click's clock
                                          lang, base_url=base_url, actor=actor, quiet=True).value or b"")

# ------------------------------------------------------------------ what stands out
late = head.late_total()
if late:
    st.error(tr("overview.alert.late", count=late), icon=":material/alarm:")
overdue_clocks = [c for c in view.clocks if c.urgency == "late"]
if overdue_clocks:
    st.error(tr("overview.alert.breach_late", count=len(overdue_clocks)), icon=":material/timer_off:")
running = [c for c in view.clocks if c.urgency != "late"]
if running:
    st.warning(tr("overview.alert.breach_clock", count=len(running), deadline=tr.datetime(running[0].due_at)),
               icon=":material/timer:")
if not late and not view.clocks:
    st.success(tr("overview.alert.none_late"), icon=":material/check_circle:")


def _signal(kind: str, late: int, soon: int) -> tuple[str, str]:
    """The line under a figure: what is late stands out in red, what is due within a week
    (a 72-hour clock: within its 72 hours) in orange."""
    if late:
        return tr("overview.metric.late", count=late), "red"
    if soon:
        return tr("overview.metric.clock" if kind in figures.INSTANT_KINDS else "overview.metric.soon",
                  count=soon), "orange"
    return tr("overview.metric.clear"), "green"


cells = []  # (key, label, value, (delta, colour), help, whether the card links to the processor register)
if "dsr" in flt.case_types:
    cells.append(("dsr_open", tr("overview.metric.dsr_open"), head.requests_open,
                  (tr("overview.metric.suspended", count=head.requests_suspended), "gray"),
                  tr("overview.metric.dsr_open_help", suspended=head.requests_suspended), False))
for kind, counts in head.kinds.items():
    cells.append((kind, tr(f"overview.metric.{kind}"), counts.late + counts.upcoming,
                  _signal(kind, counts.late, counts.soon),
                  tr("overview.metric.clock_help" if kind in figures.INSTANT_KINDS else "overview.metric.upcoming_help",
                     kind=tr(f"overview.kind.{kind}"), days=flt.horizon_days, soon=counts.soon), False))
if "processor" in flt.case_types:
    cells.append(("contracts_incomplete", tr("overview.metric.contracts_incomplete"), head.contracts_incomplete,
                  (tr("overview.metric.to_complete"), "red") if head.contracts_incomplete else
                  (tr("overview.metric.clear"), "green"), tr("overview.metric.contracts_incomplete_help"), True))
# One bordered metric per figure (no container, no button each: the lists behind them are chosen
# below, in one control), side by side in one row that wraps (issue 19: a grid of st.columns drew
# five blocks per row of four cards; the cards were a quarter of what the page drew on its own).
cards = st.container(horizontal=True, gap="small", key="ov_cards")
for _, label, value, (delta, colour), help_text, register in cells:
    # the card with a link: its figure and the link inside one border (a link under a bordered
    # figure read as a row of its own under the grid)
    card = cards.container(width=CARD_WIDTH, border=True, gap=None) if register else cards
    card.metric(label, value, delta=delta, delta_color=colour, delta_arrow="off", help=help_text,
                border=not register, width="stretch" if register else CARD_WIDTH)
    if register:
        card.page_link(str(HERE / "processor_register.py"), label=tr("overview.show_list"), icon=":material/list:")

# ------------------------------------------------------------------ the action plan
plan = view.actions
if plan is not None:
    with st.container(border=True, key="ov_action_plan", horizontal=True, vertical_alignment="center"):
        st.metric(tr("action_plan.card.title"), tr("action_plan.card.value", open=plan.open + plan.late),
                  delta=tr("action_plan.card.late", late=plan.late) if plan.late else tr("action_plan.card.clear"),
                  delta_color="red" if plan.late else "green", delta_arrow="off", help=tr("action_plan.card.help"))
        st.page_link(str(HERE / "action_plan.py"), label=tr("action_plan.card.open"), icon=":material/checklist_rtl:")

# ------------------------------------------------------------------ the group, entity by entity
if entity_id is None and len(entities) > 1:  # the group DPO's consolidated view
    view_mode = st.segmented_control(tr("group.view.label"), ["whole", "by_entity"], default="whole",
                                     key="ov_group_view", format_func=lambda v: tr(f"group.view.{v}"))
    if view_mode == "by_entity":
        per_entity = ui.call(group_view.overview_by_entity, flt, actor=actor).value or []
        st.caption(tr("group.view.overview_help"))
        st.dataframe([{tr("group.view.entity"): f.entity_name or tr("group.view.total"),
                       tr("group.view.requests_open"): f.requests_open, tr("group.view.late"): f.late,
                       tr("group.view.upcoming"): f.upcoming,
                       tr("group.view.contracts_incomplete"): f.contracts_incomplete} for f in per_entity],
                     hide_index=True, width="stretch")

# ------------------------------------------------------------------ the list behind a figure
kinds = [k for k in KINDS if k in head.kinds]
if kinds:
    default = next((k for k in kinds if head.kinds[k].late), None) or next(
        (k for k in kinds if head.kinds[k].upcoming), kinds[0])
    if st.session_state.get(FOCUS) not in kinds:  # first run, or the filters took that kind away
        st.session_state[FOCUS] = default
    st.subheader(tr("overview.list.title", kind=tr(f"overview.kind.{st.session_state[FOCUS]}")))
    focus = st.pills(tr("overview.show_list"), kinds, key=FOCUS, required=True,
                     format_func=lambda k: f"{tr(f'overview.kind.{k}')} ({head.kinds[k].late} · "
                                           f"{head.kinds[k].upcoming})")
    urgency = st.segmented_control(tr("overview.list.urgency"), ["late", "soon", "upcoming"],
                                   key="ov_list_urgency",
                                   format_func=lambda u: figures.urgency_label(tr, focus, u)) or ""
    page_size = 25
    total = head.kinds[focus].late + head.kinds[focus].upcoming if not urgency else getattr(head.kinds[focus],
                                                                                               urgency)
    page = ui.paginator(f"ov_{focus}_{urgency}", total, page_size)
    listed = ui.call(figures.deadline_items, flt, focus, urgency, page, page_size, actor=actor).value  # count: total
    if listed:
        def state(item) -> str:
            if item.due_at:
                left = item.due_at - head.now
                return tr("overview.time_over" if left.total_seconds() < 0 else "overview.time_left",
                          time=tr.duration(abs(left)))
            days = (item.due - head.today).days
            if days < 0:
                return tr("overview.days_late", days=-days)
            return tr("overview.due_today") if days == 0 else tr("overview.days_left", days=days)

        table = st.dataframe(ui.arrow_rows(
            [{tr("overview.col.reference"): i.reference,
              tr("overview.col.due"): tr.datetime(i.due_at) if i.due_at else tr.date(i.due),
              tr("overview.col.state"): f"{figures.urgency_label(tr, i.kind, i.shown_urgency)} — {state(i)}",
              tr("overview.col.title"): i.title, tr("overview.col.entity"): entities.get(i.entity_id, ""),
              tr("overview.col.department"): figures.group_label(tr, i, departments)} for i in listed]),
            hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="ov_table")
        st.caption(tr("overview.list.hint"))
        picked = table.selection.rows if table and table.selection else []
        if picked:
            item = listed[picked[0]]
            st.switch_page(str(HERE / CASE_PAGES[source(item.kind).case_type]),
                           query_params={"id": str(item.case_id)})
    else:
        st.info(tr("overview.no_deadline"))

# ------------------------------------------------------------------ charts


def _chart(figure, key: str) -> None:
    st.plotly_chart(figure, key=key, config={"displaylogo": False})


def _timeline() -> None:
    if not view.timeline:
        st.info(tr("overview.no_deadline"))
        return
    group = st.segmented_control(tr("overview.group_by"), ["case_type", "department"], key="ov_group",
                                 default="case_type", format_func=lambda g: tr(f"overview.group.{g}"))
    if group == "department":
        def group_of(item) -> str:
            return figures.group_label(tr, item, departments)
    else:
        def group_of(item) -> str:
            return tr(f"overview.case_type.{item.case_type}")
    _chart(charts.timeline_figure(tr, view.timeline, head.today, group_of, flt.horizon()), "ov_chart_timeline")
    st.caption(tr("overview.timeline.caption", shown=len(view.timeline),
                  total=sum(k.late + k.upcoming for k in head.kinds.values())))


def _one_chart(name: str, shown: bool, figure, empty_key: str):
    def draw() -> None:
        if shown:
            _chart(figure(), f"ov_chart_{name}")
        else:
            st.info(tr(empty_key))
    return draw


def _compliance() -> None:
    c = view.compliance
    st.caption(tr("overview.compliance.intro", period=tr("overview.filter.months_value", months=flt.months)))

    def ratio(part: int, whole: int) -> tuple[str, str]:
        rate = c.rate(part, whole)
        return (tr("overview.compliance.none") if rate is None else f"{round(100 * rate)} %",
                tr("overview.compliance.ratio", part=part, whole=whole))

    grid = st.columns(3)
    for column, (label, (value, detail)) in zip(grid * 2, (
            ("overview.compliance.requests", ratio(c.requests_on_time, c.requests_due)),
            ("overview.compliance.breaches", ratio(c.breaches_notified_on_time, c.breaches_due)),
            ("overview.compliance.contracts", ratio(c.contracts_complete, c.contracts_active)),
            ("overview.compliance.dpias", ratio(c.dpias_validated, c.dpias)),
            ("overview.compliance.register", ratio(c.activities_validated, c.activities)),
            ("overview.compliance.breaches_recorded", (str(c.breaches_recorded), "")))):
        column.metric(tr(label), value, delta=detail or None, delta_color="gray", delta_arrow="off", border=True)
    if c.activities_review_overdue:
        st.warning(tr("overview.compliance.register_overdue", count=c.activities_review_overdue))
    if view.months:
        _chart(charts.monthly_figure(tr, view.months), "ov_chart_compliance_monthly")


DRAW = {
    "timeline": _timeline,
    "monthly": _one_chart("monthly", bool(view.months), lambda: charts.monthly_figure(tr, view.months),
                          "overview.no_requests"),
    "departments": _one_chart("departments", bool(view.departments),
                              lambda: charts.department_figure(tr, view.departments), "overview.no_requests"),
    "ages": _one_chart("ages", any(n for _, n in view.ages), lambda: charts.ages_figure(tr, view.ages),
                       "overview.no_requests"),
    "breach_clocks": _one_chart("breach_clocks", bool(view.clocks),
                                lambda: charts.breach_clock_figure(tr, view.clocks, head.now), "overview.no_clock"),
    "compliance": _compliance,
}
names = list(DRAW)
if actor.role == Role.AUDITOR:  # an auditor reads how well the obligations were met first
    names = ["compliance", *names[:-1]]
tabs = st.tabs([tr(f"overview.tab.{n}") for n in names], key="ov_tabs", on_change="rerun")
for name, tab in zip(names, tabs):
    if tab.open:  # only the open tab is drawn: a rerun builds one chart, not six
        with tab:
            DRAW[name]()
