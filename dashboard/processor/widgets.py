"""Streamlit widgets the processor pages share (the processor form with its transfer
fields, the contract form with its clause checklist). Layout only: the use cases
validate and decide."""

from datetime import date

import streamlit as st

from dashboard import ui
from dashboard.activities import ActivityChoice
from models.org import Entity
from models.processor import CERTIFICATIONS, CONTRACT_FORMS, PROCESSOR_STATUSES
from models.processor_clauses import ART28_CLAUSES, CLAUSE_STATES, POLICY_CLAUSES
from models.processor_transfers import (DEROGATIONS, SCC_MODULES, adequacy_for, country_choices,
                                        country_name, in_eea)

DATA_SUGGESTIONS = ("identité", "coordonnées", "données de connexion", "données de navigation",
                    "données de paiement", "données de santé", "numéro de sécurité sociale",
                    "données de progression pédagogique", "échanges avec le support")
SUBJECT_SUGGESTIONS = ("adhérents", "prospects", "salariés", "élus", "apprenants", "clients", "candidats")
TOOLS = ("", "adequacy", "scc", "bcr", "derogation")


def _countries() -> tuple[list[str], dict[str, str]]:
    names = dict(country_choices(ui.lang()))
    return list(names), names


def _date_label(value: date | None) -> str:
    return ui.tr().date(value)


def transfer_fields(prefix: str, code: str, initial: dict | None = None) -> dict:
    """Tool, SCC module, derogation and note for one non-EEA country."""
    t, initial = ui.t, initial or {}
    decision = adequacy_for(code)
    st.markdown(t("processor.form.transfer_to", country=country_name(code, ui.lang()), code=code))
    if decision:
        st.caption(t("processor.form.adequacy_exists", decision=decision.decision,
                     date=_date_label(decision.adopted)) +
                   (" " + t("processor.form.adequacy_scope", scope=decision.scope) if decision.scope else ""))
    else:
        st.caption(t("processor.form.no_adequacy"))
    cols = st.columns([2, 2, 2, 3])
    tool = cols[0].selectbox(t("processor.field.transfer_tool"), TOOLS, key=f"{prefix}_tool_{code}",
                             index=TOOLS.index(initial.get("transfer_tool", "")),
                             format_func=lambda v: t(f"processor.tool.{v}") if v else t("processor.tool.choose"))
    module = cols[1].selectbox(t("processor.field.scc_module"), (None, *SCC_MODULES), key=f"{prefix}_scc_{code}",
                               index=(None, *SCC_MODULES).index(initial.get("scc_module")),
                               format_func=lambda v: t(f"processor.scc_module.{v}") if v else "—", placeholder="—",
                               disabled=tool != "scc")
    derogation = cols[2].selectbox(t("processor.field.derogation"), ("", *DEROGATIONS),
                                   key=f"{prefix}_derog_{code}",
                                   index=("", *DEROGATIONS).index(initial.get("derogation", "")),
                                   format_func=lambda v: t(f"processor.derogation.{v}") if v else "—",
                                   disabled=tool != "derogation")
    note = cols[3].text_input(t("processor.field.note"), value=initial.get("note", ""), key=f"{prefix}_note_{code}",
                              help=t("processor.form.note_help"))
    return {"transfer_tool": tool, "scc_module": module if tool == "scc" else None,
            "derogation": derogation if tool == "derogation" else "", "note": note}


def processor_form(prefix: str, entities: list[Entity], activities: list[ActivityChoice],
                   initial: dict | None = None) -> dict:
    """The processor's fields, outside st.form so that the transfer fields follow the
    countries chosen. Returns the data for create_processor / update_processor."""
    t, initial = ui.t, initial or {}
    codes, names = _countries()
    entity_names = {e.id: e.name for e in entities}
    left, right = st.columns(2)
    legal_name = left.text_input(t("processor.field.legal_name"), value=initial.get("legal_name", ""),
                                 key=f"{prefix}_legal_name")
    country = right.selectbox(t("processor.field.country_code"), codes, key=f"{prefix}_country",
                              index=codes.index(initial.get("country_code", "FR")), format_func=names.get)
    address = st.text_input(t("processor.field.address"), value=initial.get("address", ""), key=f"{prefix}_address")
    left, middle, right = st.columns(3)
    contact_name = left.text_input(t("processor.field.contact_name"), value=initial.get("contact_name", ""),
                                   key=f"{prefix}_contact_name")
    contact_email = middle.text_input(t("processor.field.contact_email"), value=initial.get("contact_email", ""),
                                      key=f"{prefix}_contact_email")
    dpo_contact = right.text_input(t("processor.field.dpo_contact"), value=initial.get("dpo_contact", ""),
                                   key=f"{prefix}_dpo_contact")
    services = st.text_area(t("processor.field.services"), value=initial.get("services", ""),
                            key=f"{prefix}_services", height=80)
    left, right = st.columns(2)
    data_categories = left.multiselect(
        t("processor.field.data_categories"), sorted({*DATA_SUGGESTIONS, *initial.get("data_categories", [])}),
        default=initial.get("data_categories", []), accept_new_options=True, key=f"{prefix}_data",
        placeholder=t("processor.form.choose_or_add"))
    subject_categories = right.multiselect(
        t("processor.field.subject_categories"), sorted({*SUBJECT_SUGGESTIONS, *initial.get("subject_categories", [])}),
        default=initial.get("subject_categories", []), accept_new_options=True, key=f"{prefix}_subjects",
        placeholder=t("processor.form.choose_or_add"))
    left, right = st.columns(2)
    certifications = left.multiselect(t("processor.field.certifications"), CERTIFICATIONS,
                                      default=initial.get("certifications", []), key=f"{prefix}_certs",
                                      placeholder=t("processor.form.choose"),
                                      format_func=lambda v: t(f"processor.certification.{v}"))
    status = right.selectbox(t("processor.field.status"), PROCESSOR_STATUSES, key=f"{prefix}_status",
                             index=PROCESSOR_STATUSES.index(initial.get("status", "assessed")),
                             format_func=lambda v: t(f"processor.status.{v}"))
    left, right = st.columns(2)
    entity_ids = list(entity_names)
    entity_id = left.selectbox(t("processor.field.entity_id"), entity_ids, key=f"{prefix}_entity",
                               index=entity_ids.index(initial["entity_id"]) if initial.get("entity_id") in entity_ids
                               else 0, format_func=entity_names.get)
    others = right.multiselect(t("processor.field.entity_ids"), [e for e in entity_ids if e != entity_id],
                               default=[e for e in initial.get("entity_ids", []) if e != entity_id],
                               key=f"{prefix}_entities", format_func=entity_names.get,
                               placeholder=t("processor.form.choose"))
    using = {entity_id, *others}
    activity_labels = {a.id: f"{a.label} ({entity_names.get(a.entity_id, '?')})" for a in activities
                       if a.entity_id in using}
    activity_ids = st.multiselect(t("processor.field.activity_ids"), list(activity_labels),
                                  default=[a for a in initial.get("activity_ids", []) if a in activity_labels],
                                  key=f"{prefix}_activities", format_func=activity_labels.get,
                                  placeholder=t("processor.form.choose"))
    st.markdown(f"**{t('processor.form.locations')}**")
    existing = {loc["country_code"]: loc for loc in initial.get("locations", [])}
    left, right = st.columns(2)
    processing = left.multiselect(t("processor.form.processing_countries"), codes, format_func=names.get,
                                  default=[c for c, loc in existing.items() if loc.get("processing")],
                                  key=f"{prefix}_processing", placeholder=t("processor.form.choose"))
    storage = right.multiselect(t("processor.form.storage_countries"), codes, format_func=names.get,
                                default=[c for c, loc in existing.items() if loc.get("storage")],
                                key=f"{prefix}_storage", placeholder=t("processor.form.choose"))
    locations = []
    for code in sorted({*processing, *storage}):
        location = {"country_code": code, "processing": code in processing, "storage": code in storage}
        if not in_eea(code):
            location |= transfer_fields(prefix, code, existing.get(code))
        locations.append(location)
    left, middle, right = st.columns(3)
    window = left.number_input(t("processor.field.objection_window_days"), 1, 90,
                               value=initial.get("objection_window_days", 30), key=f"{prefix}_window")
    interval = middle.number_input(t("processor.field.audit_interval_months"), 1, 60,
                                   value=initial.get("audit_interval_months", 12), key=f"{prefix}_interval")
    planned = right.date_input(t("processor.field.planned_audit_on"), value=initial.get("planned_audit_on"),
                               key=f"{prefix}_planned", format="DD/MM/YYYY")
    return {"legal_name": legal_name, "country_code": country, "address": address, "contact_name": contact_name,
            "contact_email": contact_email, "dpo_contact": dpo_contact, "services": services,
            "data_categories": data_categories, "subject_categories": subject_categories,
            "certifications": certifications, "status": status, "entity_id": entity_id, "entity_ids": others,
            "activity_ids": activity_ids, "locations": locations, "objection_window_days": int(window),
            "audit_interval_months": int(interval), "planned_audit_on": planned}


def contract_form(form_key: str, initial: dict | None = None, policy_applies: bool = True) -> dict | None:
    """The contract's terms and its clause checklist in one st.form; the data on submit."""
    t, initial = ui.t, initial or {}
    with st.form(form_key):
        left, right = st.columns([3, 2])
        title = left.text_input(t("processor.field.title"), value=initial.get("title", ""), key=f"{form_key}_title")
        reference = right.text_input(t("processor.field.document_reference"),
                                     value=initial.get("document_reference", ""), key=f"{form_key}_ref")
        cols = st.columns(4)
        form = cols[0].selectbox(t("processor.field.form"), CONTRACT_FORMS, key=f"{form_key}_form",
                                 index=CONTRACT_FORMS.index(initial.get("form", "written")),
                                 format_func=lambda v: t(f"processor.contract_form.{v}"))
        signed = cols[1].date_input(t("processor.field.signed_on"), value=initial.get("signed_on"),
                                    key=f"{form_key}_signed", format="DD/MM/YYYY")
        starts = cols[2].date_input(t("processor.field.starts_on"), value=initial.get("starts_on"),
                                    key=f"{form_key}_starts", format="DD/MM/YYYY")
        end = cols[3].date_input(t("processor.field.initial_end"), value=initial.get("initial_end"),
                                 key=f"{form_key}_end", format="DD/MM/YYYY", help=t("processor.form.end_help"))
        cols = st.columns(4)
        renewal = cols[0].checkbox(t("processor.field.tacit_renewal"), value=initial.get("tacit_renewal", False),
                                   key=f"{form_key}_renewal")
        months = cols[1].number_input(t("processor.field.renewal_months"), 0, 120,
                                      value=initial.get("renewal_months", 12), key=f"{form_key}_renewal_months")
        notice_months = cols[2].number_input(t("processor.field.notice_months"), 0, 120,
                                             value=initial.get("notice_months", 3), key=f"{form_key}_notice_m")
        notice_days = cols[3].number_input(t("processor.field.notice_days"), 0, 365,
                                           value=initial.get("notice_days", 0), key=f"{form_key}_notice_d")
        clauses, notes = {}, {}
        current = initial.get("clauses", {})
        groups = (("art28", ART28_CLAUSES), ("policy", POLICY_CLAUSES)) if policy_applies else (
            ("art28", ART28_CLAUSES),)  # the policy's points are asked only where an entity adopted it
        for group, keys in groups:
            st.markdown(f"**{t(f'processor.clauses.{group}')}**")
            for key in keys:
                state, note = current.get(key, ("missing", ""))
                label, choice, text = st.columns([5, 3, 4], vertical_alignment="center")
                label.markdown(t(f"processor.clause.{key}"))
                clauses[key] = choice.radio(t(f"processor.clause.{key}"), CLAUSE_STATES, horizontal=True,
                                            index=CLAUSE_STATES.index(state), key=f"{form_key}_c_{key}",
                                            label_visibility="collapsed",
                                            format_func=lambda v: t(f"processor.clause_state.{v}"))
                notes[key] = text.text_input(t("processor.field.note"), value=note, key=f"{form_key}_n_{key}",
                                             label_visibility="collapsed", placeholder=t("processor.field.note"))
        if not st.form_submit_button(t("common.save"), type="primary"):
            return None
    return {"title": title, "document_reference": reference, "form": form, "signed_on": signed, "starts_on": starts,
            "initial_end": end, "tacit_renewal": renewal, "renewal_months": int(months) if renewal else 0,
            "notice_months": int(notice_months), "notice_days": int(notice_days), "clauses": clauses,
            "clause_notes": notes}


