from datetime import datetime
from pathlib import Path

import streamlit as st

from dashboard import activities, organisation, ui
from dashboard.form_state import CaseForms
from dashboard.dsr import intake
from models.clock import PARIS, paris_time
from models.dsr import CHANNELS, RELATIONS, RIGHTS
from models.roles import Capability
from models.types import utcnow

HERE = Path(__file__).parent
actor = ui.page_actor(Capability.WORK_ALL_CASES, page="dsr-new")
tr = ui.tr()
st.title(tr("dsr.intake.title"))
st.caption(tr("dsr.intake.help"))

entities = {e.id: e for e in ui.call(organisation.list_entities, actor=actor).value or []}
entity_id = st.selectbox(tr("field.dsr_entity_id"), list(entities), key="dsr_new_entity",
                         format_func=lambda i: entities[i].name)
# Only the chosen entity's departments: a request is routed within its entity.
departments = {d.id: d.name for d in ui.call(organisation.list_departments, entity_id=entity_id,
                                             actor=actor).value or []} if entity_id else {}
choices = {a.id: a.label for a in ui.call(activities.activity_choices, entity_id, actor=actor).value or []}

forms = CaseForms("dsr_new")
key = forms.key
# "Now" is fixed when the form opens: a person who types 09:15 and submits minutes later keeps 09:15.
now = forms.fixed("now", lambda: paris_time(utcnow()).replace(second=0, microsecond=0))
with st.form(key("form")):
    left, right = st.columns(2)
    channel = left.selectbox(tr("field.dsr_channel"), CHANNELS, format_func=lambda c: tr(f"dsr.channel.{c}"),
                             key=key("channel"))
    received_day = right.date_input(tr("dsr.intake.received_day"), value=now.date(), max_value=now.date(),
                                    format="DD/MM/YYYY", help=tr("dsr.intake.received_help"), key=key("day"))
    received_time = right.time_input(tr("dsr.intake.received_time"), value=now.time().replace(tzinfo=None),
                                     key=key("time"))
    name = left.text_input(tr("field.dsr_requester_name"), key=key("name"))
    contact = left.text_input(tr("field.dsr_requester_contact"), key=key("contact"),
                              help=tr("dsr.intake.contact_help"))
    relation = right.selectbox(tr("field.dsr_relation"), RELATIONS, format_func=lambda r: tr(f"dsr.relation.{r}"),
                               key=key("relation"))
    rights = st.multiselect(tr("field.dsr_rights"), RIGHTS, format_func=lambda r: tr(f"dsr.right.{r}"),
                            key=key("rights"), placeholder=tr("dsr.intake.choose_rights"))
    description = st.text_area(tr("field.dsr_description"), key=key("text"), height=120)
    flags = st.columns(2)
    is_minor = flags[0].checkbox(tr("dsr.intake.is_minor"), key=key("minor"))
    complex_ = flags[1].checkbox(tr("dsr.intake.complex"), key=key("complex"))
    no_health_records = not entities[entity_id].holds_health_records if entity_id else True
    health = flags[0].checkbox(tr("dsr.intake.health_access"), disabled=no_health_records, key=key("health"))
    older = flags[1].checkbox(tr("dsr.intake.health_older"), disabled=no_health_records, key=key("older"))
    department_id = st.selectbox(tr("field.dsr_department_id"), [None, *departments], key=key("department"),
                                 format_func=lambda i: tr("dsr.intake.by_rule") if i is None else departments[i])
    activity_ids = st.multiselect(tr("field.dsr_activity_ids"), list(choices), format_func=choices.get,
                                  placeholder=tr("dsr.intake.choose_activities"), key=key("activities"))
    duplicates_ok = st.checkbox(tr("dsr.intake.duplicates_ok"), key=key("dup_ok"))
    submitted = st.form_submit_button(tr("dsr.intake.submit"), type="primary")

if submitted:
    duplicates = ui.call(intake.possible_duplicates, name, contact, actor=actor).value or []
    if duplicates and not duplicates_ok:
        st.warning(tr("dsr.intake.duplicates", count=len(duplicates)) + "\n" + "\n".join(
            f"- **{d.reference}** — {tr(f'dsr.status.{d.status}')}, {tr.date(d.received_on)} "
            f"({tr('dsr.intake.same_name') if d.same_name else ''}{' ' if d.same_name and d.same_contact else ''}"
            f"{tr('dsr.intake.same_contact') if d.same_contact else ''})" for d in duplicates))
    else:
        received_at = datetime.combine(received_day, received_time, tzinfo=PARIS) if received_day else None
        result = ui.call(intake.create_request, {
            "entity_id": entity_id, "channel": channel, "received_at": received_at, "requester_name": name,
            "requester_contact": contact, "relation": relation, "rights": rights, "description": description,
            "is_minor": is_minor, "complex": complex_, "health_access": health, "health_older_than_five_years": older,
            "department_id": department_id, "activity_ids": activity_ids}, actor=actor)
        if result.ok:
            forms.opened(result.value.id, str(HERE / "dsr_case.py"), "dsr.intake.created",
                         reference=result.value.reference)
