"""Import another register (Madis, the CNIL's model): upload, map, complete, save."""

import hashlib

import streamlit as st

from dashboard import organisation, register_sources, ui
from models.register import CONDITIONS, LEGAL_BASES, RETENTION_UNITS
from models.register_mapping import TARGETS, sensitivity
from models.roles import Capability

actor = ui.page_actor(Capability.WORK_ALL_CASES, page="register-import-source")
tr = ui.tr()
st.title(tr("register.source.title"))
st.caption(tr("register.source.help"))

done = st.session_state.pop("src_done", None)
if done:
    st.success(tr("register.source.done", count=len(done), references=", ".join(done)))

entities = ui.call(organisation.list_entities, actor=actor).value or []
departments = ui.call(organisation.list_departments, actor=actor).value or []
entity_names = {e.id: e.name for e in entities}
department_names = {d.id: f"{d.code} — {d.name}" for d in departments}

upload = st.file_uploader(tr("register.source.file"), type=["csv", "xlsx", "ods"], key="src_upload")
data = upload.getvalue() if upload is not None else None
digest = hashlib.sha256(data).hexdigest() if data else None
if st.session_state.get("src_file_digest") != digest:  # another file: what was read no longer applies
    st.session_state.pop("src_source", None)
if st.button(tr("register.source.read"), key="src_read", disabled=upload is None):
    read = ui.call(register_sources.read_source, upload.name, data, actor=actor)
    if read.ok:
        st.session_state["src_source"] = read.value
        st.session_state["src_file_digest"] = digest

source = st.session_state.get("src_source")
if source is not None and data is not None:
    st.info(tr(f"register.source.layout.{source.layout}", count=len(source.records)))
    entity_id = st.selectbox(tr("register.source.entity"), list(entity_names), format_func=entity_names.get,
                             key="src_entity", index=None, placeholder=tr("register.source.choose"))
    mapping = {}
    with st.expander(tr("register.source.mapping"), expanded=True):
        st.caption(tr("register.source.mapping_help"))
        for number, label in enumerate(source.labels):
            mapping[label] = st.selectbox(ui.literal_label(label), TARGETS,
                                          index=TARGETS.index(source.mapping.get(label, "ignore")),
                                          format_func=lambda t: tr(f"register.source.target.{t}"),
                                          key=f"src_map_{digest[:8]}_{number}")
    answers: dict[int, dict] = {}
    first = ui.call(register_sources.preview_source, upload.name, data, mapping, {}, actor=actor)
    drafts = first.value.drafts if first.ok else ()
    for item in drafts:
        given = {"conditions": {}, "start_events": {}, "durations": {}}
        key = f"src_{digest[:8]}_{item.index}"
        with st.container(border=True, key=f"src_draft_{item.index}"):
            st.markdown(f"**{ui.literal(item.origin)} — {ui.literal(item.name or '?')}**")
            if item.draft.left_out:
                st.caption(tr("register.source.left_out", labels=ui.literal(", ".join(item.draft.left_out))))
            given["department_id"] = st.selectbox(
                tr("register.source.department"), list(department_names), format_func=department_names.get,
                index=None, placeholder=tr("register.source.choose"), key=f"{key}_department")
            rules = item.draft.data["retention_rules"]
            for need in item.draft.needs:
                if need.kind == "legal_basis":
                    given["legal_basis"] = st.selectbox(
                        tr("register.source.legal_basis"), LEGAL_BASES, index=None,
                        format_func=lambda b: tr(f"register.basis.{b}"), placeholder=tr("register.source.choose"),
                        key=f"{key}_basis")
                elif need.kind == "condition":
                    position = [c["name"] for c in item.draft.data["data_categories"]].index(need.subject)
                    kind = sensitivity(need.subject)
                    left, right = st.columns(2)
                    condition = left.selectbox(
                        tr("register.source.condition", category=ui.literal(need.subject)),
                        [c for c, k in CONDITIONS.items() if k == kind], index=None,
                        format_func=lambda c: tr(f"register.condition.{c}"), placeholder=tr("register.source.choose"),
                        key=f"{key}_condition_{position}")
                    proof = right.text_input(tr("register.source.proof"), max_chars=500, key=f"{key}_proof_{position}")
                    given["conditions"][need.subject] = (condition or "", proof)
                elif need.kind == "start_event":
                    rule = rules[int(need.subject) - 1]
                    text = f"{rule['duration']} {tr('register.unit.' + rule['unit'])}" if rule["duration"] else \
                        rule["justification"]
                    given["start_events"][need.subject] = st.text_input(
                        tr("register.source.start_event", number=need.subject, text=ui.literal(text)),
                        max_chars=300, key=f"{key}_event_{need.subject}")
                elif need.kind == "duration":
                    rule = rules[int(need.subject) - 1]
                    left, right = st.columns(2)
                    amount = left.number_input(tr("register.source.duration", number=need.subject,
                                                  text=ui.literal(rule["justification"])),
                                               min_value=0, max_value=200, step=1, key=f"{key}_duration_{need.subject}")
                    unit = right.selectbox(tr("register.source.unit"), RETENTION_UNITS, index=2,
                                           format_func=lambda u: tr(f"register.unit.{u}"),
                                           key=f"{key}_unit_{need.subject}")
                    given["durations"][need.subject] = (int(amount), unit)
        answers[item.index] = given
    preview = ui.call(register_sources.preview_source, upload.name, data, mapping, answers, actor=actor).value \
        if drafts else None
    if preview is not None:
        for item in preview.drafts:
            if item.ready:
                st.caption(f"✅ {ui.literal(item.name)} — {tr('register.source.ready')}")
            else:
                st.caption(f"⏳ {ui.literal(item.name or item.origin)} — "
                           + tr("register.source.missing", count=len(item.missing) + len(item.problems)))
                for problem in item.problems:
                    st.error(tr(problem.key, **ui.literal_params(problem.params)))
        if st.button(tr("register.source.save"), type="primary", key="src_save",
                     disabled=not preview.ready or entity_id is None):
            saved = ui.call(register_sources.import_source, upload.name, data, mapping, answers, entity_id,
                            actor=actor)
            if saved.ok:
                st.session_state.pop("src_source", None)
                st.session_state["src_done"] = list(saved.value.references)
                st.rerun()
