from pathlib import Path

import streamlit as st

from dashboard import activities, evidence, evidence_ui, organisation, register_consistency, ui
from dashboard.attachments_ui import attachments_section
from dashboard.breach import links as breach_links
from dashboard.form_state import CaseForms
from dashboard.processor import audits, contracts, documents, registry, subprocessors, widgets
from models.processor import AUDIT_KINDS, AUDIT_OUTCOMES, AUTHORISATIONS, END_CHOICES
from models.processor_transfers import adequacy_for, country_choices, country_name, in_eea
from models.roles import Capability

REGISTER_PAGE = str(Path(__file__).with_name("processor_register.py"))
BREACH_PAGE = str(Path(__file__).with_name("breach_case.py"))
ACTIVITY_PAGE = str(Path(__file__).with_name("register_activity.py"))
ERROR_FLAGS = {"missing_clause", "forbidden_transfer", "no_contract"}

actor = ui.page_actor(page="processor")
tr = ui.tr()
raw_id = st.query_params.get("id", "")
if not raw_id.isdigit():
    st.info(tr("processor.file.none_selected"))
    st.page_link(REGISTER_PAGE, label=tr("processor.file.back"), icon=":material/arrow_back:")
    st.stop()
result = ui.call(registry.get_processor, int(raw_id), actor=actor)
if not result.ok:
    st.page_link(REGISTER_PAGE, label=tr("processor.file.back"), icon=":material/arrow_back:")
    st.stop()
pfile = result.value
p = pfile.processor
names = pfile.entity_names


def country(code: str) -> str:
    return f"{country_name(code, ui.lang())} ({code})"


def transfer_label(tool: str, module, derogation: str, note: str, code: str) -> str:
    if in_eea(code):
        return tr("processor.transfer.inside_eea")
    if not tool:
        return tr("processor.transfer.none")
    text = tr(f"processor.tool.{tool}")
    if tool == "scc" and module:
        text += " — " + tr(f"processor.scc_module.{module}")
    if tool == "derogation" and derogation:
        text += " — " + tr(f"processor.derogation.{derogation}")
    if tool == "adequacy" and adequacy_for(code):
        text += f" ({adequacy_for(code).decision})"
    return f"{text} — {note}" if note else text


forms = CaseForms("processor", p.id)
key = forms.key
processor_version = forms.version("processor", p.version)  # what the user saw, kept across reruns


st.page_link(REGISTER_PAGE, label=tr("processor.file.back"), icon=":material/arrow_back:")
st.title(f"{p.reference} — {ui.literal(p.legal_name)}")
st.caption(tr("processor.file.caption", status=tr(f"processor.status.{p.status}"), country=country(p.country_code),
              entities=", ".join(ui.literal(names.get(e, "?")) for e in pfile.entity_ids)))
for flag in sorted(pfile.flags):
    (st.error if flag in ERROR_FLAGS else st.warning)(tr(f"processor.flag_detail.{flag}"),
                                                      icon=":material/flag:")

if pfile.contradictions:  # the register says otherwise (issue 18): shown here and on each entry
    labels = {a.id: a.label for a in pfile.activities}
    with st.container(key="processor_contradictions"):
        st.error("\n".join([tr("register.contradiction.on_processor_intro")] + [
            f"- {ui.literal(tr('register.contradiction.on_processor_entry', entry=labels.get(aid, '?'), message=register_consistency.describe(c, ui.lang())))}"
            for aid, found in pfile.contradictions.items() for c in found]), icon=":material/sync_problem:")
        for aid in pfile.contradictions:
            st.page_link(ACTIVITY_PAGE, label=ui.literal_label(labels.get(aid, "?")), query_params={"id": str(aid)},
                         icon=":material/description:")

tabs = st.tabs([tr("processor.tab.identity"), tr("processor.tab.transfers"), tr("processor.tab.contracts"),
                tr("processor.tab.subprocessors"), tr("processor.tab.audits"), tr("processor.tab.documents")],
               key=f"processor_{p.id}_tabs")

with tabs[0]:
    facts = [
        (tr("processor.field.legal_name"), p.legal_name), (tr("processor.field.address"), p.address or "—"),
        (tr("processor.field.contact_name"), f"{p.contact_name} {p.contact_email}".strip() or "—"),
        (tr("processor.field.dpo_contact"), p.dpo_contact or "—"), (tr("processor.field.services"), p.services),
        (tr("processor.field.data_categories"), ", ".join(p.data_categories) or "—"),
        (tr("processor.field.subject_categories"), ", ".join(p.subject_categories) or "—"),
        (tr("processor.field.certifications"),
         ", ".join(tr(f"processor.certification.{c}") for c in p.certifications) or "—"),
        (tr("processor.field.objection_window_days"), str(p.objection_window_days)),
        (tr("processor.file.last_audit"), tr.date(p.last_audit_on)),
        (tr("processor.file.next_audit"), tr.date(p.next_audit_date)),
    ]
    st.table({tr("processor.col.item"): [f for f, _ in facts], tr("processor.col.value"): [ui.literal(v) for _, v in facts]})  # st.table renders markdown
    st.markdown(f"**{tr('processor.field.activity_ids')}**")
    st.markdown("\n".join(f"- {ui.literal(a.label)} ({ui.literal(names.get(a.entity_id, '?'))})" for a in pfile.activities)
                or tr("processor.file.no_activity"))
    st.markdown(f"**{tr('breach.processor.breaches')}**")
    breaches = ui.call(breach_links.breaches_at_processor, p.id, actor=actor).value or []
    for item in breaches:
        st.page_link(BREACH_PAGE, label=f"{item.reference} — {ui.literal_label(item.title)} ({tr(item.status)})",
                     query_params={"id": str(item.case_id)}, icon=":material/gpp_maybe:")
    if not breaches:
        st.caption(tr("breach.processor.no_breaches"))
    if pfile.editable:
        with st.expander(tr("processor.file.edit"), key=f"processor_{p.id}_edit_open"):
            initial = {name: getattr(p, name) for name in registry.FIELDS}
            initial |= {"entity_ids": pfile.entity_ids, "activity_ids": [a.id for a in pfile.activities],
                        "locations": [loc.model_dump() for loc in pfile.locations]}
            entities = ui.call(organisation.list_entities, actor=actor).value or []
            choices = ui.call(activities.activity_choices, actor=actor).value or []
            data = widgets.processor_form(key("edit"), entities, choices, initial)
            if st.button(tr("common.save"), type="primary", key=key("edit", "save")):
                forms.done(ui.call(registry.update_processor, p.id, processor_version, data, actor=actor))

with tabs[1]:
    st.caption(tr("processor.file.transfers_intro"))
    rows = [{tr("processor.col.country"): country(loc.country_code),
             tr("processor.col.uses"): ", ".join(
                 ([tr("processor.location.processing")] if loc.processing else []) +
                 ([tr("processor.location.storage")] if loc.storage else [])),
             tr("processor.col.transfer"): transfer_label(loc.transfer_tool, loc.scc_module, loc.derogation,
                                                           loc.note, loc.country_code)} for loc in pfile.locations]
    rows += [{tr("processor.col.country"): country(s.country_code),
              tr("processor.col.uses"): tr("processor.file.via_subprocessor", name=s.name),
              tr("processor.col.transfer"): transfer_label(s.transfer_tool, s.scc_module, s.derogation,
                                                            s.transfer_note, s.country_code)}
             for s in pfile.subprocessors if s.status in ("notified", "active")]
    st.dataframe(rows, hide_index=True, width="stretch")

with tabs[2]:
    applied = pfile.clause_policy
    if applied is not None:  # which points the contracts are asked for, and why
        served = ", ".join(ui.literal(name) for name in (applied.adopting if applied.applies else applied.entities)) \
            or tr("group.policy.no_entity")
        st.info(tr("group.policy.applies" if applied.applies else "group.policy.not_applies", entities=served),
                icon=":material/policy:")
    for view in pfile.contracts:
        c = view.contract
        badge = tr("processor.contract.status." + c.status)
        header = tr("processor.contract.header", title=ui.literal_label(c.title), status=badge, score=c.clause_score,
                    missing=c.missing_clauses)
        contract_version = forms.version(c.id, c.version, "contract")
        with st.expander(header, expanded=c.status == "active" or len(pfile.contracts) == 1,
                         key=f"processor_{p.id}_contract_{c.id}_open"):
            cols = st.columns([1, 1, 2])
            cols[0].metric(tr("processor.contract.score"), f"{c.clause_score} / 100")
            cols[1].metric(tr("processor.contract.missing"), c.missing_clauses)
            if c.status == "active":
                end = tr.date(c.end_date) if c.end_date else tr("processor.contract.open_ended")
                cols[2].markdown(tr("processor.contract.dates", end=end, notice=tr.date(c.notice_date)))
            st.caption(tr("processor.contract.terms", reference=ui.literal(c.document_reference or "—"),
                          form=tr(f"processor.contract_form.{c.form}"), signed=tr.date(c.signed_on),
                          starts=tr.date(c.starts_on)) +
                       (" " + tr("processor.contract.renewed_by", months=c.renewal_months) if c.tacit_renewal else ""))
            st.dataframe([{tr("processor.col.clause"): tr(f"processor.clause.{key}"),
                           tr("processor.col.state"): tr(f"processor.clause_state.{row.state}"),
                           tr("processor.col.note"): row.note} for key, row in view.clauses.items()],
                         hide_index=True, width="stretch", height=38 + 35 * len(view.clauses),
                         column_config={tr("processor.col.clause"): st.column_config.TextColumn(width="large"),
                                        tr("processor.col.note"): st.column_config.TextColumn(width="large")})
            if c.status == "ended":
                st.markdown(tr("processor.contract.ended_summary", ended=tr.date(c.ended_on),
                               choice=tr(f"processor.end_choice.{c.end_choice}"), due=tr.date(c.end_due_date)))
                if c.destruction_proved_on:
                    st.success(tr("processor.contract.proof_summary", on=tr.date(c.destruction_proved_on),
                                  method=c.destruction_method, ref=c.destruction_attestation_ref))
                else:
                    st.warning(tr("processor.flag_detail.destruction_pending"))
            if not pfile.editable:
                continue
            if st.button(tr("processor.contract.issue_report"), key=key("report", c.id)):
                forms.done(ui.call(documents.issue_clause_report, c.id, ui.lang(), actor=actor),
                           "processor.document_issued")
            if c.status == "active":
                with st.popover(tr("processor.contract.edit")):
                    initial = {name: getattr(c, name) for name in contracts.TERM_FIELDS}
                    initial["clauses"] = {k: (r.state, r.note) for k, r in view.clauses.items()}
                    data = widgets.contract_form(key("contract", c.id), initial,
                                                 policy_applies=applied is None or applied.applies)
                    if data is not None:
                        forms.done(ui.call(contracts.save_contract, p.id, data, c.id, contract_version, actor=actor))
                with st.popover(tr("processor.contract.end_title")), st.form(key("end", c.id)):
                    cols = st.columns(3)
                    ended_on = cols[0].date_input(tr("processor.field.ended_on"), value=None, format="DD/MM/YYYY",
                                                  key=key("end", c.id, "on"))
                    choice = cols[1].selectbox(tr("processor.field.end_choice"), END_CHOICES,
                                               format_func=lambda v: tr(f"processor.end_choice.{v}"),
                                               key=key("end", c.id, "choice"))
                    days = cols[2].number_input(tr("processor.field.end_period_days"), 0, 365, value=30,
                                                key=key("end", c.id, "days"))
                    if st.form_submit_button(tr("processor.contract.end_submit")):
                        forms.done(ui.call(contracts.end_contract, c.id, contract_version,
                                           {"ended_on": ended_on, "end_choice": choice, "end_period_days": int(days)},
                                           actor=actor))
            elif not c.destruction_proved_on:
                with st.form(key("proof", c.id)):
                    st.markdown(f"**{tr('processor.contract.proof_title')}**")
                    cols = st.columns(3)
                    proved = cols[0].date_input(tr("processor.field.destruction_proved_on"), value=None,
                                                format="DD/MM/YYYY", key=key("proof", c.id, "on"))
                    method = cols[1].text_input(tr("processor.field.destruction_method"), key=key("proof", c.id, "method"))
                    ref = cols[2].text_input(tr("processor.field.destruction_attestation_ref"),
                                             key=key("proof", c.id, "ref"))
                    copies = st.text_area(tr("processor.field.destruction_copies"), height=68,
                                          key=key("proof", c.id, "copies"))
                    sub_data = st.text_area(tr("processor.field.destruction_subprocessors"), height=68,
                                            key=key("proof", c.id, "subprocessors"))
                    retained = st.text_area(tr("processor.field.retained_by_law"), height=68,
                                            key=key("proof", c.id, "retained"))
                    if st.form_submit_button(tr("processor.contract.proof_submit")):
                        forms.done(ui.call(contracts.record_destruction_proof, c.id, contract_version,
                                           {"destruction_proved_on": proved, "destruction_method": method,
                                            "destruction_attestation_ref": ref, "destruction_copies": copies,
                                            "destruction_subprocessors": sub_data, "retained_by_law": retained},
                                           actor=actor))
            else:
                label = "processor.contract.reissue_certificate" if c.certificate_document_id else \
                    "processor.contract.issue_certificate"
                if st.button(tr(label), key=key("certificate", c.id), type="primary"):
                    forms.done(ui.call(documents.issue_destruction_certificate, c.id, contract_version, ui.lang(),
                                       actor=actor), "processor.document_issued")
    if not pfile.contracts:
        st.info(tr("processor.flag_detail.no_contract"))
    if pfile.editable:
        with st.expander(tr("processor.contract.new"), key=f"processor_{p.id}_new_contract_open"):
            data = widgets.contract_form(key("new_contract"), policy_applies=applied is None or applied.applies)
            if data is not None:
                forms.done(ui.call(contracts.save_contract, p.id, data, actor=actor))

with tabs[3]:
    subs = pfile.subprocessors
    by_id = {s.id: s for s in subs}
    st.dataframe([{tr("processor.col.name"): s.name, tr("processor.col.services"): s.service,
                   tr("processor.col.country"): country(s.country_code),
                   tr("processor.field.authorisation"): tr(f"processor.authorisation.{s.authorisation}"),
                   tr("processor.col.status"): tr(f"processor.sub_status.{s.status}"),
                   tr("processor.col.notified_on"): tr.date(s.notified_on),
                   tr("processor.col.objection_deadline"): tr.date(s.objection_deadline),
                   tr("processor.col.note"): s.objection_note} for s in subs], hide_index=True, width="stretch")
    if pfile.editable:
        for s in subs:  # awaiting a decision as this user first saw it, see CaseForms.fixed
            if forms.fixed(f"sub_notified{s.id}", lambda s=s: s.status == "notified"):
                sub_version = forms.version(s.id, s.version, "sub")
                with st.form(key("decide", s.id)):
                    st.markdown(tr("processor.sub.decide", name=ui.literal(s.name),
                                   deadline=tr.date(s.objection_deadline)))
                    objected = st.radio(tr("processor.field.objected"), (False, True), horizontal=True,
                                        format_func=lambda v: tr(f"processor.sub.objected.{str(v).lower()}"),
                                        key=key("decide", s.id, "objected"))
                    note = st.text_input(tr("processor.field.note"), key=key("decide", s.id, "note"))
                    if st.form_submit_button(tr("common.save")):
                        forms.done(ui.call(subprocessors.decide_objection, s.id, sub_version,
                                           {"objected": objected, "note": note}, actor=actor))
        live = [s.id for s in subs if s.status in ("active", "notified")]
        if live:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            gone = left.selectbox(tr("processor.sub.remove_which"), live, key=key("sub_remove"),
                                  format_func=lambda v: by_id[v].name)
            if right.button(tr("processor.sub.remove"), key=key("sub_remove_button")):
                forms.done(ui.call(subprocessors.remove_subprocessor, gone,
                                   forms.version(gone, by_id[gone].version, "sub"), actor=actor))
        with st.expander(tr("processor.sub.new"), key=f"processor_{p.id}_new_sub_open"):
            codes = [c for c, _ in country_choices(ui.lang())]
            cols = st.columns(3)
            name = cols[0].text_input(tr("processor.field.name"), key=key("sub_name"))
            service = cols[1].text_input(tr("processor.field.service"), key=key("sub_service"))
            code = cols[2].selectbox(tr("processor.field.country_code"), codes, index=codes.index("FR"),
                                     format_func=lambda v: country_name(v, ui.lang()), key=key("sub_country"))
            transfer = {} if in_eea(code) else widgets.transfer_fields(key("sub"), code)
            cols = st.columns(3)
            authorisation = cols[0].selectbox(tr("processor.field.authorisation"), AUTHORISATIONS,
                                              format_func=lambda v: tr(f"processor.authorisation.{v}"),
                                              key=key("sub_auth"))
            notified = cols[1].date_input(tr("processor.field.notified_on"), value=None, format="DD/MM/YYYY",
                                          key=key("sub_notified"))
            replaces = cols[2].selectbox(tr("processor.field.replaces_id"), [None, *live], key=key("sub_replaces"),
                                         format_func=lambda v: by_id[v].name if v else tr("processor.sub.addition"))
            st.caption(tr("processor.sub.window_hint", days=p.objection_window_days))
            if st.button(tr("common.create"), key=key("sub_create")):
                payload = {"name": name, "service": service, "country_code": code, "authorisation": authorisation,
                           "notified_on": notified, "change": "replacement" if replaces else "addition",
                           "replaces_id": replaces, **transfer}
                forms.done(ui.call(subprocessors.add_subprocessor, p.id, payload, actor=actor))

with tabs[4]:
    st.markdown(tr("processor.file.audit_dates", last=tr.date(p.last_audit_on), next=tr.date(p.next_audit_date)))
    st.dataframe([{tr("processor.field.performed_on"): tr.date(a.performed_on),
                   tr("processor.field.kind"): tr(f"processor.audit_kind.{a.kind}"),
                   tr("processor.field.auditor"): a.auditor,
                   tr("processor.field.outcome"): tr(f"processor.audit_outcome.{a.outcome}"),
                   tr("processor.field.findings"): a.findings} for a in pfile.audits], hide_index=True,
                 width="stretch")
    if pfile.editable:
        with st.form(key("audit")):
            cols = st.columns(4)
            performed = cols[0].date_input(tr("processor.field.performed_on"), value=None, format="DD/MM/YYYY",
                                           key=key("audit", "on"))
            kind = cols[1].selectbox(tr("processor.field.kind"), AUDIT_KINDS, key=key("audit", "kind"),
                                     format_func=lambda v: tr(f"processor.audit_kind.{v}"))
            auditor = cols[2].text_input(tr("processor.field.auditor"), key=key("audit", "auditor"))
            outcome = cols[3].selectbox(tr("processor.field.outcome"), AUDIT_OUTCOMES, key=key("audit", "outcome"),
                                        format_func=lambda v: tr(f"processor.audit_outcome.{v}"))
            findings = st.text_area(tr("processor.field.findings"), key=key("audit", "findings"))
            if st.form_submit_button(tr("processor.audit.record")):
                forms.done(ui.call(audits.record_audit, p.id, {"performed_on": performed, "kind": kind,
                                                               "auditor": auditor, "outcome": outcome,
                                                               "findings": findings}, actor=actor))

with tabs[5]:
    if not pfile.documents:
        st.info(tr("common.empty"))
    for doc in pfile.documents:  # the one download of the registry: fetched (an audit entry), then saved
        evidence_ui.issued_document(
            doc, case_ref=p.reference, key=f"doc_{doc.id}", downloadable=actor.can(Capability.READ_EVIDENCE),
            fetch=lambda document_id=doc.id: ui.call(evidence.download_document, document_id, actor=actor).value)
    attachments_section(actor, "processor", p.id)
