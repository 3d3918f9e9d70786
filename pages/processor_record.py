from datetime import date

import streamlit as st

from dashboard import evidence, evidence_ui, organisation, processor_record, ui
from dashboard.form_state import CaseForms
from models.clock import paris_today
from models.processor_record import transfers_text
from models.roles import Capability

actor = ui.page_actor(page="processor-record")
tr = ui.tr()
st.title(tr("processor_record.title"))
st.caption(tr("processor_record.intro"))

entities = ui.call(organisation.list_entities, actor=actor).value or []
departments = ui.call(organisation.list_departments, actor=actor).value or []
entity_names = {e.id: e.name for e in entities}
own_departments = {d.id: d.name for d in departments
                   if processor_record.may_edit(actor, d.id)}
department_entity = {d.id: d.entity_id for d in departments}

entity_id = st.selectbox(tr("processor_record.entity"), [None, *entity_names], key="precord_entity",
                         format_func=lambda i: tr("processor_record.all_entities") if i is None else entity_names[i])
records = ui.call(processor_record.list_records, entity_id, actor=actor).value or []


def dates_text(content) -> str:
    if content.ended_on:
        return tr("processor_record.pdf.from_to", start=tr.date(content.started_on), end=tr.date(content.ended_on))
    return tr("processor_record.pdf.since", start=tr.date(content.started_on))


def record_form(forms: CaseForms, entity: int, record=None) -> dict | None:
    """The fields of one record; the values the user submitted, or None."""
    c = record.content if record else None
    choices = [d for d in own_departments if department_entity.get(d) == entity]  # the record's entity's only
    with st.form(forms.key("form")):
        department = st.selectbox(tr("processor_record.field.department"), choices,
                                  format_func=own_departments.get, key=forms.key("department"),
                                  index=choices.index(c.department_id) if c and c.department_id in choices else None,
                                  placeholder=tr("dpia.field.choose"))
        name = st.text_input(tr("processor_record.field.client_name"), value=c.client_name if c else "",
                             max_chars=300, key=forms.key("client_name"))
        left, right = st.columns(2)
        address = left.text_input(tr("processor_record.field.client_address"), value=c.client_address if c else "",
                                  max_chars=500, key=forms.key("client_address"))
        contact = right.text_input(tr("processor_record.field.client_contact"), value=c.client_contact if c else "",
                                   max_chars=300, key=forms.key("client_contact"))
        dpo = st.text_input(tr("processor_record.field.client_dpo"), value=c.client_dpo if c else "", max_chars=300,
                            key=forms.key("client_dpo"))
        categories = st.text_area(tr("processor_record.field.processing_categories"),
                                  value=c.processing_categories if c else "", max_chars=4000,
                                  key=forms.key("categories"))
        subs = st.text_area(tr("processor_record.field.sub_processors"),
                            value="\n".join(c.sub_processors) if c else "", help=tr("processor_record.sub_processors_help"),
                            key=forms.key("subs"))
        transfers = st.text_area(tr("processor_record.field.transfers"),
                                 value=transfers_text(c.transfers) if c else "",
                                 help=tr("processor_record.transfers_help"), key=forms.key("transfers"))
        security = st.text_area(tr("processor_record.field.security_measures"),
                                value=c.security_measures if c else "", max_chars=4000, key=forms.key("security"))
        left, middle, right = st.columns(3)
        started = left.date_input(tr("processor_record.field.started_on"),
                                  value=c.started_on if c else forms.fixed("today", paris_today),
                                  format="DD/MM/YYYY", min_value=date(1990, 1, 1), key=forms.key("started"))
        has_end = middle.checkbox(tr("processor_record.has_end"), value=bool(c and c.ended_on),
                                  key=forms.key("has_end"))
        ended = right.date_input(tr("processor_record.field.ended_on"),
                                 value=(c.ended_on if c and c.ended_on else forms.fixed("today", paris_today)),
                                 format="DD/MM/YYYY", min_value=date(1990, 1, 1), key=forms.key("ended"))
        submitted = st.form_submit_button(tr("processor_record.save" if record else "processor_record.create"),
                                          type="primary")
    if not submitted:
        return None
    return {"department_id": department, "client_name": name, "client_address": address, "client_contact": contact,
            "client_dpo": dpo, "processing_categories": categories, "sub_processors": subs, "transfers": transfers,
            "security_measures": security, "started_on": started, "ended_on": ended if has_end else None}


if not records:
    st.info(tr("processor_record.empty"))
else:
    st.dataframe(
        [{tr("processor_record.col.entity"): r.entity_name,
          tr("processor_record.field.client_name"): r.content.client_name,
          tr("processor_record.col.department"): r.department_name,
          tr("processor_record.col.dates"): dates_text(r.content),
          tr("processor_record.col.sub_processors"): len(r.content.sub_processors),
          tr("processor_record.col.transfers"): ", ".join(t.country for t in r.content.transfers) or "—"}
         for r in records], hide_index=True, width="stretch")
    for r in records:
        c = r.content
        state = tr("processor_record.active") if r.active else tr("processor_record.ended")
        with st.expander(f"{c.client_name} — {r.entity_name} ({state})", key=f"precord_{r.id}_open"):
            st.markdown(
                f"**{tr('processor_record.field.client_address')}** : {ui.literal(c.client_address or '—')}  \n"
                f"**{tr('processor_record.field.client_contact')}** : {ui.literal(c.client_contact or '—')}  \n"
                f"**{tr('processor_record.field.client_dpo')}** : {ui.literal(c.client_dpo or '—')}  \n"
                f"**{tr('processor_record.col.dates')}** : {dates_text(c)}")
            st.markdown(f"**{tr('processor_record.field.processing_categories')}**")
            st.text(c.processing_categories)
            st.markdown(f"**{tr('processor_record.field.sub_processors')}**")
            st.text("\n".join(c.sub_processors) or "—")
            st.markdown(f"**{tr('processor_record.field.transfers')}**")
            st.text("\n".join(f"{t.recipient} ({t.country}) — {tr(f'register.safeguard.{t.safeguard}')}"
                              + (f" : {t.safeguard_detail}" if t.safeguard_detail else "") for t in c.transfers)
                    or "—")
            st.markdown(f"**{tr('processor_record.field.security_measures')}**")
            st.text(c.security_measures or "—")
            st.caption(tr("processor_record.updated", date=tr.datetime(r.updated_at),
                          name=ui.literal(r.updated_by_name or "—")))
            if r.can_edit and st.toggle(tr("processor_record.edit"), key=f"precord_{r.id}_edit"):
                forms = CaseForms(f"precord{r.id}", r.id)
                version = forms.version("record", r.version)
                values = record_form(forms, r.entity_id, r)
                if values is not None:
                    forms.done(ui.call(processor_record.update_record, r.id, version, values, actor=actor),
                               "processor_record.saved")

if own_departments and not actor.is_read_only:
    st.subheader(tr("processor_record.add"))
    create_entity = st.selectbox(tr("processor_record.entity"), list(entity_names), format_func=entity_names.get,
                                 key="precord_new_entity", index=None, placeholder=tr("dpia.field.choose"))
    if create_entity is not None:
        forms = CaseForms("precord_new", create_entity)
        values = record_form(forms, create_entity)
        if values is not None:
            created = ui.call(processor_record.create_record, create_entity, values, actor=actor)
            forms.done(created, "processor_record.created",
                       client=created.value.content.client_name if created.ok else "")

if actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only and entity_names:
    st.subheader(tr("processor_record.issue_pdf"))
    pdf_entity = st.selectbox(tr("processor_record.pdf_entity"), list(entity_names), key="precord_pdf_entity",
                              format_func=entity_names.get)
    if st.button(tr("processor_record.issue_pdf"), key="precord_issue_pdf", icon=":material/picture_as_pdf:"):
        document = ui.call(processor_record.issue_record_pdf, pdf_entity, ui.lang(), actor=actor).value
        if document is not None:
            st.session_state["precord_pdf"] = document
    document = st.session_state.get("precord_pdf")
    if document:
        st.caption(tr("processor_record.pdf_issued", number=document.number, code=document.verification_code))
        evidence_ui.issued_document(
            document, case_ref=document.case_ref, key=f"precord_doc_{document.id}",
            fetch=lambda document_id=document.id: ui.call(evidence.download_document, document_id,
                                                          actor=actor).value)
