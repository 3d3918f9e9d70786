from pathlib import Path

import streamlit as st

from dashboard import activities, organisation, ui
from dashboard.form_state import CaseForms
from dashboard.processor import contracts, documents, flags, registry, widgets
from dashboard.processor.scope import can_edit
from models.processor import PROCESSOR_STATUSES

FILE_PAGE = str(Path(__file__).with_name("processor_file.py"))
PAGE_SIZE = 20

actor = ui.page_actor(page="processors")
tr = ui.tr()
st.title(tr("processor.title"))
st.caption(tr(f"processor.intro.{actor.role}"))
ui.call(contracts.roll_tacit_renewals, actor=actor, quiet=True)  # keeps renewed terms' deadlines current

entities = ui.call(organisation.list_entities, actor=actor).value or []
entity_names = {e.id: e.name for e in entities}
counts = ui.call(flags.count_flags, actor=actor).value
if counts:
    shown = ("missing_clause", "forbidden_transfer", "no_contract", "deadline_soon", "audit_due", "objection_open")
    for column, flag in zip(st.columns(len(shown) + 1), ("total", *shown)):
        column.metric(tr(f"processor.metric.{flag}"), counts.total if flag == "total" else counts.counts[flag])

left, a, b, c = st.columns([3, 2, 2, 2])
text = left.text_input(tr("processor.filter.text"), key="processor_filter_text")
entity_id = a.selectbox(tr("processor.filter.entity"), [None, *entity_names], key="processor_filter_entity",
                        format_func=lambda v: entity_names.get(v, tr("processor.filter.all_entities")))
status = b.selectbox(tr("processor.field.status"), ["", *PROCESSOR_STATUSES], key="processor_filter_status",
                     format_func=lambda v: tr(f"processor.status.{v}") if v else tr("common.all"))
flag = c.selectbox(tr("processor.filter.flag"), ["", *flags.FLAGS], key="processor_filter_flag",
                   format_func=lambda v: tr(f"processor.flag.{v}") if v else tr("common.all"))
flt = registry.RegisterFilter(text=text, entity_id=entity_id, status=status, flag=flag)

total = ui.call(registry.count_processors, flt, actor=actor).value or 0
page = ui.paginator("processors", total, PAGE_SIZE)
result = ui.call(registry.list_processors, flt, page, PAGE_SIZE, actor=actor).value
rows = result.rows if result else []
if not rows:
    st.info(tr("common.empty"))
else:
    st.caption(tr("processor.register.select_hint"))
    table = st.dataframe(
        [{tr("processor.col.reference"): r.reference, tr("processor.col.processor"): r.legal_name,
          tr("processor.col.entity"): entity_names.get(r.entity_id, "?"),
          tr("processor.col.status"): tr(f"processor.status.{r.status}"),
          tr("processor.col.countries"): ", ".join(r.countries),
          tr("processor.col.next_deadline"): tr.date(r.next_deadline),
          tr("processor.col.flags"): " · ".join(tr(f"processor.flag.{f}") for f in sorted(r.flags))}
         for r in rows],
        hide_index=True, width="stretch", height=38 + 35 * len(rows), on_select="rerun",
        column_config={tr("processor.col.flags"): st.column_config.TextColumn(width="large")},
        selection_mode="single-row", key="processor_table")
    selected = table.selection.rows if table and table.selection else []
    if selected:
        st.switch_page(FILE_PAGE, query_params={"id": rows[selected[0]].id})

csv_col, pdf_col = st.columns(2)
language = ui.lang()  # read now: the download callback runs outside this script run
csv_col.download_button(tr("common.download_csv"), key="processor_csv", mime="text/csv",
                        file_name="registre-sous-traitants.csv" if language == "fr" else "processor-register.csv",
                        data=lambda: ui.call(documents.register_csv, flt, language, actor=actor).value or b"")
if not actor.is_read_only and pdf_col.button(tr("processor.register.issue_pdf"), key="processor_issue_pdf"):
    issued = ui.call(documents.issue_register_extract, flt, ui.lang(), actor=actor)
    if issued.ok:
        st.session_state["processor_register_pdf"] = (issued.value.filename, issued.value.content,
                                                      issued.value.number)
if st.session_state.get("processor_register_pdf"):
    name, content, number = st.session_state["processor_register_pdf"]
    pdf_col.download_button(tr("processor.register.download_pdf", number=number), content, file_name=name,
                            mime="application/pdf", key="processor_pdf_download")

if can_edit(actor):
    forms = CaseForms("new_processor")
    with st.expander(tr("processor.register.new"), expanded=False, key="processor_register_new_open"):
        choices = ui.call(activities.activity_choices, actor=actor).value or []
        data = widgets.processor_form(forms.key(), entities, choices)
        if st.button(tr("common.create"), type="primary", key=forms.key("create")):
            created = ui.call(registry.create_processor, data, actor=actor)
            if created.ok:
                forms.opened(created.value.id, FILE_PAGE, "processor.created", reference=created.value.reference)
