"""Streamlit widgets shared by the two breach pages: the facts form (declaring and
editing) and the 72-hour clock. Widgets and layout only; every rule runs in the use
cases."""

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from dashboard import activities, organisation, ui
from dashboard.actor import Actor
from dashboard.breach.forms import from_paris, to_paris
from dashboard.i18n import Translator
from dashboard.processor import links as processor_links
from models.breach import DATA_CATEGORIES, AuthorityNotification, Breach, CauseIntent, CauseOrigin
from models.clock import paris_time
from models.deadlines import breach_time_left
from models.types import utcnow


def paris_now() -> datetime:
    """Now as the naive Paris wall-clock time the date widgets show (the server's own
    zone may be anything)."""
    return paris_time(utcnow()).replace(second=0, microsecond=0, tzinfo=None)


def when_input(label: str, value: datetime | None, key: str, *, now_if_empty: datetime | None = None,
               help: str | None = None) -> datetime | None:
    """A date and time typed in Paris time, returned as an instant (None if empty).
    `now_if_empty` is the page's "now" (`paris_now()`) fixed when the form opened
    (CaseForms.fixed): a person who takes minutes to fill the form keeps what they typed."""
    default = to_paris(value) or now_if_empty
    return from_paris(st.datetime_input(label, value=default, key=key, format="DD/MM/YYYY", help=help))


md_escape = ui.literal  # user text shown through st.markdown exactly as typed (the one helper)


def facts_form(key: str, actor: Actor, now: datetime, current: Breach | None = None, activity_ids: list[int] = (),
               department_ids: list[int] = ()) -> dict | None:
    """The declaration form (blank) or the edit form (filled with `current`). Returns
    the data when submitted. `now` (naive Paris time, fixed when the form opened) is the
    default of the detection and awareness times."""
    tr = ui.tr()
    entities = ui.call(organisation.list_entities, actor=actor).value or []
    departments = ui.call(organisation.list_departments, actor=actor).value or []
    choices = ui.call(activities.activity_choices, actor=actor).value or []
    processors = ui.call(processor_links.processor_choices, actor=actor).value or []
    entity_names = {e.id: e.name for e in entities}
    department_names = {d.id: d.name for d in departments}
    activity_labels = {a.id: f"{a.label} ({entity_names.get(a.entity_id, '?')})" for a in choices}
    processor_labels = {p.id: f"{p.legal_name} ({', '.join(entity_names.get(e, '?') for e in sorted(p.entity_ids))})"
                        for p in processors}
    value = (lambda name, default="": getattr(current, name)) if current else (lambda name, default="": default)
    with st.form(key):
        entity_ids = list(entity_names)
        entity_id = st.selectbox(tr("breach.field.entity"), entity_ids, format_func=entity_names.get, key=f"{key}_entity",
                                 index=entity_ids.index(current.entity_id) if current else 0)
        title = st.text_input(tr("breach.field.title"), value=value("title"), key=f"{key}_title", max_chars=200)
        description = st.text_area(tr("breach.field.description"), value=value("description"),
                                   key=f"{key}_description", help=tr("breach.help.description"))
        st.markdown(f"**{tr('breach.field.timeline')}**")
        left, right = st.columns(2)
        with left:
            started = when_input(tr("breach.field.started_at"), current and current.started_at, f"{key}_started")
        with right:
            ended = when_input(tr("breach.field.ended_at"), current and current.ended_at, f"{key}_ended")
        left, right = st.columns(2)
        with left:
            detected = when_input(tr("breach.field.detected_at"), current and current.detected_at, f"{key}_detected",
                                  now_if_empty=now)
        with right:
            aware = when_input(tr("breach.field.aware_at"), current and current.aware_at, f"{key}_aware",
                               now_if_empty=now, help=tr("breach.help.aware_at"))
            not_aware = st.checkbox(tr("breach.field.aware_unknown"), key=f"{key}_unaware",
                                    value=bool(current and current.aware_at is None))
        discovery = st.text_input(tr("breach.field.discovery"), value=value("discovery"), key=f"{key}_discovery")
        st.markdown(f"**{tr('breach.field.nature')}**")
        columns = st.columns(3)
        nature = {name: columns[i].checkbox(tr(f"breach.nature.{name}"), value=value(name, False),
                                            key=f"{key}_{name}")
                  for i, name in enumerate(("confidentiality", "integrity", "availability"))}
        left, right = st.columns(2)
        origins, intents = list(CauseOrigin), list(CauseIntent)
        origin = left.selectbox(tr("breach.field.cause_origin"), origins, key=f"{key}_origin",
                                index=origins.index(value("cause_origin", CauseOrigin.UNKNOWN)),
                                format_func=lambda o: tr(f"breach.origin.{o}"))
        intent = right.selectbox(tr("breach.field.cause_intent"), intents, key=f"{key}_intent",
                                 index=intents.index(value("cause_intent", CauseIntent.UNKNOWN)),
                                 format_func=lambda i: tr(f"breach.intent.{i}"))
        cause_details = st.text_input(tr("breach.field.cause_details"), value=value("cause_details"),
                                      key=f"{key}_cause_details")
        processor_ids = [None, *processor_labels]
        current_processor = value("processor_id", None)
        processor_id = st.selectbox(tr("breach.field.processor_id"), processor_ids, key=f"{key}_processor_id",
                                    index=processor_ids.index(current_processor)
                                    if current_processor in processor_ids else 0,
                                    format_func=lambda i: tr("breach.processor_none") if i is None
                                    else processor_labels[i])
        processor = st.text_input(tr("breach.field.processor_name"), key=f"{key}_processor",
                                  value="" if current_processor else (value("processor_name", "") or ""),
                                  help=tr("breach.help.processor_name"))
        systems = st.text_input(tr("breach.field.systems"), value=value("systems"), key=f"{key}_systems")
        chosen_activities = st.multiselect(tr("breach.field.activities"), list(activity_labels),
                                           default=[a for a in activity_ids if a in activity_labels],
                                           format_func=activity_labels.get, key=f"{key}_activities", placeholder=tr("common.choose"))
        chosen_departments = st.multiselect(tr("breach.field.departments"), list(department_names),
                                            default=[d for d in department_ids if d in department_names],
                                            format_func=department_names.get, key=f"{key}_departments",
                                            help=tr("breach.help.departments"), placeholder=tr("common.choose"))
        categories = st.multiselect(tr("breach.field.data_categories"), list(DATA_CATEGORIES),
                                    default=list(value("data_categories", [])),
                                    format_func=lambda c: category_label(tr, c), key=f"{key}_categories", placeholder=tr("common.choose"))
        data_details = st.text_input(tr("breach.field.data_details"), value=value("data_details"),
                                     key=f"{key}_data_details")
        people_categories = st.text_input(tr("breach.field.people_categories"), value=value("people_categories"),
                                          key=f"{key}_people_categories")
        st.caption(tr("breach.help.approximate"))
        counts = st.columns(4)
        numbers = {name: counts[i].number_input(tr(f"breach.field.{name}"), value=value(name, None), step=1,
                                                key=f"{key}_{name}")
                   for i, name in enumerate(("people_min", "people_max", "records_min", "records_max"))}
        consequences = st.text_area(tr("breach.field.likely_consequences"), value=value("likely_consequences"),
                                    key=f"{key}_consequences")
        taken = st.text_area(tr("breach.field.measures_taken"), value=value("measures_taken"), key=f"{key}_taken")
        proposed = st.text_area(tr("breach.field.measures_proposed"), value=value("measures_proposed"),
                                key=f"{key}_proposed")
        label = tr("breach.declare.submit") if current is None else tr("common.save")
        if not st.form_submit_button(label, type="primary"):
            return None
    return {"entity_id": entity_id, "title": title, "description": description, "detected_at": detected,
            "aware_at": None if not_aware else aware, "started_at": started, "ended_at": ended, "discovery": discovery, **nature, "cause_origin": origin,
            "cause_intent": intent, "cause_details": cause_details, "processor_name": processor,
            "processor_id": processor_id,
            "systems": systems, "activity_ids": chosen_activities, "department_ids": chosen_departments,
            "data_categories": categories, "data_details": data_details, "people_categories": people_categories,
            **{name: None if v is None else int(v) for name, v in numbers.items()},
            "likely_consequences": consequences, "measures_taken": taken, "measures_proposed": proposed}


def category_label(tr: Translator, code: str) -> str:
    flag = DATA_CATEGORIES.get(code)
    label = tr(f"breach.category.{code}")
    return f"{label} — {tr(f'breach.flag.{flag}')}" if flag else label


@dataclass(frozen=True)
class Clock:
    level: str  # "error", "warning", "info", "success": how the page shows it
    text: str
    short: str  # for a table cell


def clock(tr: Translator, *, authority_notification: str, deadline: datetime | None, notified_at: datetime | None,
          detected_at: datetime, now: datetime | None = None) -> Clock:
    """The 72-hour clock as the user reads it: time left, time over, or why it stopped."""
    now = now or utcnow()
    if authority_notification == AuthorityNotification.DONE:
        late = deadline is not None and notified_at is not None and notified_at > deadline
        key = "notified_late" if late else "notified"
        return Clock("warning" if late else "success", tr(f"breach.clock.{key}", date=tr.datetime(notified_at)),
                     tr(f"breach.clock.short.{key}", date=tr.date(notified_at)))
    if authority_notification == AuthorityNotification.NOT_REQUIRED:
        return Clock("info", tr("breach.clock.not_required"), tr("breach.clock.short.not_required"))
    if deadline is None:
        elapsed = tr.duration(now - detected_at)
        return Clock("warning", tr("breach.clock.no_awareness", elapsed=elapsed),
                     tr("breach.clock.short.no_awareness"))
    left = breach_time_left(deadline, now)
    if left.total_seconds() < 0:
        over = tr.duration(-left)
        return Clock("error", tr("breach.clock.over", over=over, deadline=tr.datetime(deadline)),
                     tr("breach.clock.short.over", over=over))
    return Clock("warning", tr("breach.clock.left", left=tr.duration(left), deadline=tr.datetime(deadline)),
                 tr("breach.clock.short.left", left=tr.duration(left)))


def show_clock(item: Clock) -> None:
    getattr(st, item.level)(item.text, icon=":material/timer:")
