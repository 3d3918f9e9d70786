from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import activities, navigation, organisation, register, register_consistency, ui
from dashboard.form_state import CaseForms
from dashboard.validation import InvalidInput
from exports.register_sheet import CODED, LIST_COLUMNS, part_label
from models.processor_transfers import country_name
from models.register import MEDIA, PEOPLE_COUNTS, ActivityContent

LIST_PAGE = str(Path(__file__).with_name("register_list.py"))

actor = ui.page_actor(page="register-activity")
tr = ui.tr()


def _show_problems(outcome: ui.Result) -> None:
    if isinstance(outcome.error, InvalidInput):
        st.error("\n".join([tr(outcome.error.key)] + [f"- {ui.literal(register.describe_problem(tr, p))}"
                                                      for p in outcome.error.problems]))
    elif outcome.error is not None:
        ui.show_error(outcome.error)
    else:
        st.error(tr("error.unexpected"))


def _column_config(column: str) -> dict:
    config = {}
    for part in LIST_COLUMNS[column]:
        label = part_label(tr, column, part)
        if (column, part) in CODED:
            prefix, codes = CODED[(column, part)]
            config[part] = st.column_config.SelectboxColumn(label, options=list(codes),
                                                            format_func=lambda c, p=prefix: tr(p + c) if c else "")
        elif part == "duration":
            config[part] = st.column_config.NumberColumn(label, step=1, format="%d")
        else:
            config[part] = st.column_config.TextColumn(label)
    return config


def _clean(value):
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def _list_editor(column: str, content: ActivityContent | None, key: str) -> list[dict]:
    parts = LIST_COLUMNS[column]
    items = [item.model_dump() for item in getattr(content, column)] if content else []
    frame = pd.DataFrame(items, columns=list(parts)).astype(
        {part: "Int64" if part == "duration" else "string" for part in parts})
    st.markdown(f"**{tr(f'register.col.{column}')}**")
    edited = st.data_editor(frame, num_rows="dynamic", column_config=_column_config(column), column_order=parts,
                            key=key, width="stretch", hide_index=True)
    cleaned = [{k: _clean(v) for k, v in row.items()} for row in edited.to_dict("records")]
    return [row for row in cleaned if any(v not in ("", None) for v in row.values())]


def _content_form(content: ActivityContent | None, department_ids: list[int], department_names: dict[int, str],
                  key: str) -> dict:
    """The entry's fields; returns the data to validate."""
    name = st.text_input(tr("register.col.name"), value=content.name if content else "", key=f"{key}_name")
    current = content.department_id if content else (department_ids[0] if department_ids else None)
    department_id = st.selectbox(tr("register.col.department"), department_ids, key=f"{key}_department",
                                 index=department_ids.index(current) if current in department_ids else 0,
                                 format_func=lambda i: department_names.get(i, "?"))
    description = st.text_area(tr("register.col.description"), value=content.description if content else "",
                               key=f"{key}_description")
    joint = st.text_input(tr("register.col.joint_controllers"), value=content.joint_controllers if content else "",
                          key=f"{key}_joint")
    st.caption(tr("register.lists_help"))
    data = {column: _list_editor(column, content, f"{key}_{column}") for column in LIST_COLUMNS}
    st.markdown(f"**{tr('register.consent_procedure')}**")
    consent_records = st.text_area(tr("register.col.consent_records"), key=f"{key}_consent",
                                   value=content.consent_records if content else "")
    withdrawal = st.text_area(tr("register.col.withdrawal_propagation"), key=f"{key}_withdrawal",
                              value=content.withdrawal_propagation if content else "")
    st.markdown(f"**{tr('register.more_fields')}**")
    automated = st.checkbox(tr("register.col.automated_decisions"), key=f"{key}_automated",
                            value=content.automated_decisions if content else False,
                            help=tr("register.automated_help"))
    automated_detail = st.text_area(tr("register.col.automated_decisions_detail"), key=f"{key}_automated_detail",
                                    value=content.automated_decisions_detail if content else "")
    sources = st.text_area(tr("register.col.data_sources"), key=f"{key}_sources",
                           value=content.data_sources if content else "")
    left, right = st.columns(2)
    counts = ["", *PEOPLE_COUNTS]
    people = left.selectbox(tr("register.col.people_count"), counts, key=f"{key}_people",
                            index=counts.index(content.people_count) if content else 0,
                            format_func=lambda v: tr(f"register.people_count.{v}") if v else tr("register.not_stated"))
    media = ["", *MEDIA]
    medium = right.selectbox(tr("register.col.medium"), media, key=f"{key}_medium",
                             index=media.index(content.medium) if content else 0,
                             format_func=lambda v: tr(f"register.medium.{v}") if v else tr("register.not_stated"))
    return {"name": name, "department_id": department_id, "description": description, "joint_controllers": joint,
            "consent_records": consent_records, "withdrawal_propagation": withdrawal,
            "automated_decisions": automated, "automated_decisions_detail": automated_detail,
            "data_sources": sources, "people_count": people, "medium": medium, **data}


def _from_processors() -> None:
    """The recipients and transfers that follow from the linked processors' files."""
    st.markdown(f"**{tr('register.derived.title')}**")
    st.caption(tr("register.derived.help"))
    rows = [{tr("register.derived.processor"): ui.literal(f"{p.reference} — {p.name}"),
             tr("register.derived.status"): tr(f"processor.status.{p.status}"),
             tr("register.derived.places"): ", ".join(
                 f"{country_name(place.country, ui.lang())}"
                 + (f" ({tr('register.derived.via', name=place.via)})" if place.via else "")
                 for place in p.places) or "—"} for p in view.processors]
    st.dataframe(rows, hide_index=True, width="stretch")
    if view.derived_transfers:
        st.dataframe([{tr("register.field.recipient"): ui.literal(t.recipient),
                       tr("register.field.country"): f"{country_name(t.country, ui.lang())} ({t.country})",
                       tr("register.field.safeguard"): tr(f"register.safeguard.{t.safeguard}") if t.safeguard
                       else tr("register.derived.no_tool")} for t in view.derived_transfers],
                     hide_index=True, width="stretch")
    else:
        st.caption(tr("register.derived.no_transfer"))


def _more_fields(content: ActivityContent) -> None:
    automated = (tr("common.yes") + (f" — {ui.literal(content.automated_decisions_detail)}"
                                     if content.automated_decisions_detail else "")
                 if content.automated_decisions else tr("common.no"))
    st.markdown(f"**{tr('register.col.automated_decisions')}**  \n{automated}")
    st.markdown(f"**{tr('register.col.data_sources')}**  \n{ui.literal(content.data_sources or '—')}")
    people = tr(f"register.people_count.{content.people_count}") if content.people_count else tr("register.not_stated")
    medium = tr(f"register.medium.{content.medium}") if content.medium else tr("register.not_stated")
    st.markdown(f"**{tr('register.col.people_count')}**  \n{people}")
    st.markdown(f"**{tr('register.col.medium')}**  \n{medium}")


def _case_page(url_path: str, case_id: int) -> tuple[str, dict] | None:
    """The page file and query of a linked case's url_path ("breach?id=3", "dpia-detail")."""
    path, _, query = url_path.partition("?")
    spec = next((p for p in navigation.PAGES if p.url_path == path), None)
    if spec is None:
        return None
    params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    if not params and path == "dpia-detail":
        params = {"id": str(case_id)}
    return str(Path(__file__).with_name(spec.file)), params


def _show_list(column: str, content: ActivityContent) -> None:
    items = getattr(content, column)
    st.markdown(f"**{tr(f'register.col.{column}')}**")
    if not items:
        st.caption(tr("register.pdf.none_transfer" if column == "transfers" else "register.pdf.none"))
        return
    rows = []
    for item in items:
        row = {}
        for part in LIST_COLUMNS[column]:
            value = getattr(item, part)
            if (column, part) in CODED and value:
                value = tr(CODED[(column, part)][0] + value)
            if (column, part) == ("retention_rules", "category") and not value:
                value = tr("register.all_categories")
            row[part_label(tr, column, part)] = value if value not in ("", None) else "—"
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")


departments = ui.call(organisation.list_departments, actor=actor).value or []
department_names = {d.id: d.name for d in departments}
choices = ui.call(activities.activity_choices, actor=actor).value or []
labels = {c.id: c.label for c in choices}
requested = st.query_params.get("id")

st.title(tr("register.nav_activity"))
top_left, top_right = st.columns([4, 1])
selected_id = int(requested) if requested and requested.isdigit() else None
if requested != "new":
    options = list(labels)
    picked = top_left.selectbox(tr("register.choose"), options, key="act_choice",
                                index=options.index(selected_id) if selected_id in options else None,
                                format_func=labels.get, placeholder=tr("register.choose_placeholder"))
    if picked is not None and picked != selected_id:
        st.query_params["id"] = str(picked)
        st.rerun()
if not actor.is_read_only and top_right.button(tr("register.new"), key="act_new", icon=":material/add:"):
    st.query_params["id"] = "new"
    st.rerun()

if requested == "new":
    entities = ui.call(organisation.list_entities, actor=actor).value or []
    entity_names = {e.id: e.name for e in entities}
    editable = [d.id for d in departments if register.may_edit(actor, d.id)]
    st.subheader(tr("register.new_title"))
    new_forms = CaseForms("register_new")
    with st.form(new_forms.key("form")):
        entity_id = st.selectbox(tr("register.col.entity"), list(entity_names), format_func=entity_names.get,
                                 key=new_forms.key("entity"))
        data = _content_form(None, editable, department_names, new_forms.key())
        if st.form_submit_button(tr("register.create_draft"), type="primary"):
            outcome = ui.call(register.create_activity, entity_id, data, actor=actor, quiet=True)
            if outcome.ok:
                new_forms.opened(outcome.value.id, __file__, "register.created", reference=outcome.value.reference)
            _show_problems(outcome)
    st.stop()

if selected_id is None:
    st.info(tr("register.choose_help"))
    st.page_link(LIST_PAGE, label=tr("register.back_to_list"), icon=":material/list:")
    st.stop()

view = ui.call(register.get_activity, selected_id, actor=actor).value
if view is None:
    st.stop()
activity, content = view.activity, view.content
forms = CaseForms("register", activity.id)
version = forms.version("activity", activity.version)  # what the user saw, kept across reruns: a stale save is refused

st.header(f"{activity.reference} — {ui.literal(activity.name)}")
status_text = (tr("register.pdf.validated_by", name=ui.literal(view.validated_by or "—"), date=tr.date(activity.validated_at))
               if activity.status == "validated" else tr("register.pdf.draft"))
c1, c2, c3, c4 = st.columns(4)
c1.markdown(f"**{tr('register.col.entity')}**  \n{ui.literal(view.entity.name)}")
c2.markdown(f"**{tr('register.col.department')}**  \n{ui.literal(view.department_name)}")
c3.markdown(f"**{tr('register.col.status')}**  \n{status_text}")
c4.markdown(f"**{tr('register.col.next_review_on')}**  \n{tr.date(activity.next_review_on)} "
            f"({tr('register.col.last_reviewed_on').lower()} : {tr.date(activity.last_reviewed_on)})")
if activity.source_reference:
    st.caption(tr("register.imported_from", reference=ui.literal(activity.source_reference)))
if activity.review_notice:
    notice = activity.review_notice
    st.warning(tr(f"register.returned.{notice.get('change', 'places')}",
                  processor=ui.literal(f"{notice.get('processor', '')} — {notice.get('name', '')}"),
                  by=ui.literal(notice.get("by", "")),
                  on=tr.datetime(datetime.fromisoformat(notice["at"])) if notice.get("at") else "—"),
               icon=":material/undo:")
if view.gaps:
    st.warning("\n".join([tr("register.gaps_intro")] + [f"- {tr(g)}" for g in view.gaps]))
if view.contradictions:
    with st.container(key="act_contradictions"):
        st.error("\n".join([tr("register.contradiction.intro")] + [
            f"- {ui.literal(register_consistency.describe(c, ui.lang()))}" for c in view.contradictions]),
            icon=":material/sync_problem:")
        if view.can_edit and st.button(tr("register.from_processors"), key="act_from_processors",
                                       icon=":material/sync:", help=tr("register.from_processors_help")):
            outcome = ui.call(register_consistency.take_from_processors, activity.id, version, actor=actor,
                              quiet=True)
            if outcome.ok:
                forms.done(outcome, "register.saved", status=tr(f"register.status.{outcome.value.status}"))
            else:
                _show_problems(outcome)
                forms.done(outcome)  # a stale entry: the button to reload it
# which forms are drawn: as this user first saw the entry, see CaseForms.fixed
validatable = forms.fixed("can_validate", lambda: view.can_validate)
if validatable and st.button(tr("register.validate"), key="act_validate", type="primary", icon=":material/verified:",
                             disabled=bool(view.gaps or view.contradictions)):
    forms.done(ui.call(register.validate_activity, activity.id, version, actor=actor), "register.validated")

tab_names = ["register.tab.entry", "register.tab.linked", "register.tab.reviews"]
if view.can_edit:
    tab_names.insert(1, "register.tab.edit")
tabs = dict(zip(tab_names, st.tabs([tr(n) for n in tab_names], key=f"register_{activity.id}_tabs")))

with tabs["register.tab.entry"]:
    st.markdown(f"**{tr('register.col.description')}**  \n{ui.literal(content.description or '—')}")
    st.markdown(f"**{tr('register.col.joint_controllers')}**  \n{ui.literal(content.joint_controllers) or tr('register.pdf.none_joint')}")
    st.markdown(f"**{tr('register.pdf.dpo')}**  \n{ui.literal(view.entity.dpo_name)} — {ui.literal(view.entity.dpo_email)}")
    for column in LIST_COLUMNS:
        _show_list(column, content)
        if column == "transfers" and view.processors:
            _from_processors()
    _more_fields(content)
    if content.uses_consent or content.consent_records:
        st.markdown(f"**{tr('register.consent_procedure')}**")
        st.markdown(f"{tr('register.col.consent_records')} : {ui.literal(content.consent_records or '—')}  \n"
                    f"{tr('register.col.withdrawal_propagation')} : {ui.literal(content.withdrawal_propagation or '—')}")

if "register.tab.edit" in tabs:
    with tabs["register.tab.edit"]:
        st.caption(tr("register.edit_note_dpo" if actor.role == "dpo" else "register.edit_note"))
        editable = sorted(view.editable_department_ids, key=lambda i: department_names.get(i, ""))
        with st.form(forms.key("form")):
            data = _content_form(content, editable, department_names, forms.key())
            submitted = st.form_submit_button(tr("common.save"), type="primary")
        if submitted:
            outcome = ui.call(register.update_activity, activity.id, version, data, actor=actor, quiet=True)
            if outcome.ok:
                forms.done(outcome, "register.saved", status=tr(f"register.status.{outcome.value.status}"))
            _show_problems(outcome)
            forms.done(outcome)  # a stale save: the button to reload the entry

with tabs["register.tab.linked"]:
    st.caption(tr("register.linked_help"))
    if view.linked:
        for case in view.linked:  # one row per case, one click away from it
            kind = tr(f"register.case_type.{case.case_type}")
            title = " — ".join(p for p in (case.reference, case.title, tr.date(case.day) if case.day else "") if p)
            label = tr("register.linked.row", kind=kind, title=ui.literal_label(title), status=tr.maybe(case.status),
                       open=tr("register.linked.is_open" if case.is_open else "register.linked.is_closed"))
            target = _case_page(case.url_path, case.case_id) if case.url_path else None
            if target:
                st.page_link(target[0], label=label, query_params=target[1] or None,
                             icon=":material/open_in_new:")
            else:
                st.markdown(f"- {label}")
    else:
        st.info(tr("register.linked_none"))

with tabs["register.tab.reviews"]:
    if view.reviews:
        st.dataframe([{tr("register.review.date"): tr.datetime(r.reviewed_at), tr("register.review.by"): r.reviewer_name,
                       tr("register.field.changes"): r.changes} for r in view.reviews],
                     hide_index=True, width="stretch")
    else:
        st.caption(tr("register.review.none"))
    if view.can_review:
        with st.form(forms.key("review")):
            changes = st.text_area(tr("register.field.changes"), key=forms.key("review_changes"),
                                   help=tr("register.review.help"))
            submitted = st.form_submit_button(tr("register.review.record"), type="primary")
        if submitted:
            forms.done(ui.call(register.record_review, activity.id, version, changes, actor=actor),
                       "register.review.recorded")

st.page_link(LIST_PAGE, label=tr("register.back_to_list"), icon=":material/list:")
