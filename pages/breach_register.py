from pathlib import Path

import streamlit as st

from dashboard import breach, organisation, ui
from dashboard.breach import widgets
from dashboard.mail import outbox as mail_outbox
from dashboard.form_state import CaseForms, OneShot
from models.breach import BreachStatus

CASE_PAGE = str(Path(__file__).with_name("breach_case.py"))
PAGE_SIZE = 25

actor = ui.page_actor(page="breaches")
tr = ui.tr()
st.title(tr("breach.register.page_title"))
st.caption(tr("breach.register.intro"))

counts = ui.call(breach.counts, actor=actor).value
if counts:
    columns = st.columns(4)
    columns[0].metric(tr("breach.count.running"), counts.running)
    columns[1].metric(tr("breach.count.overdue"), counts.overdue)
    columns[2].metric(tr("breach.count.to_assess"), counts.to_assess)
    columns[3].metric(tr("breach.count.open"), counts.open)

tabs = [tr("breach.tab.register")] + ([] if actor.is_read_only else [tr("breach.tab.declare")])
register_tab, *declare_tab = st.tabs(tabs, key="breach_register_tab", on_change="rerun")

with register_tab:
    entities = ui.call(organisation.list_entities, actor=actor).value or []
    entity_names = {e.id: e.name for e in entities}
    left, middle, right, last = st.columns([1, 1, 1, 2])
    entity_id = left.selectbox(tr("breach.field.entity"), [None, *entity_names], key="breach_filter_entity",
                               format_func=lambda i: tr("common.all") if i is None else entity_names[i])
    status = middle.selectbox(tr("breach.field.status"), [None, *BreachStatus], key="breach_filter_status",
                              format_func=lambda s: tr("common.all") if s is None else tr(f"breach.status.{s}"))
    clock_filter = right.selectbox(tr("breach.filter.clock"), [None, "running", "overdue"], key="breach_filter_clock",
                                   format_func=lambda c: tr("common.all") if c is None else tr(f"breach.filter.clock.{c}"))
    text = last.text_input(tr("breach.filter.text"), key="breach_filter_text")
    flt = breach.BreachFilter(entity_id=entity_id, status=status, clock=clock_filter, text=text)
    total = ui.call(breach.count_breaches, flt, actor=actor).value or 0
    page = ui.paginator("breaches", total, PAGE_SIZE)
    result = ui.call(breach.list_breaches, flt, page, PAGE_SIZE, actor=actor).value
    rows = result.rows if result else []
    if not rows:
        st.info(tr("common.empty"))
    else:
        st.dataframe(
            [{tr("breach.col.reference"): r.reference,
              tr("breach.col.clock"): widgets.clock(tr, authority_notification=r.authority_notification,
                                                    deadline=r.notification_deadline, notified_at=r.notified_at,
                                                    detected_at=r.detected_at).short,
              tr("breach.col.title"): r.title, tr("breach.col.entity"): r.entity_name,
              tr("breach.col.status"): tr(f"breach.status.{r.status}"),
              tr("breach.col.risk"): tr(f"breach.risk.{r.risk_level or 'unassessed'}"),
              tr("breach.col.aware_at"): tr.datetime(r.aware_at)}
             for r in rows],
            hide_index=True, width="stretch",
            column_config={tr("breach.col.title"): st.column_config.TextColumn(width="large")})
        by_id = {r.id: r for r in rows}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(tr("breach.open.select"), list(by_id), key="breach_open_choice",
                                format_func=lambda i: f"{by_id[i].reference} — {by_id[i].title}")
        if right.button(tr("breach.open.button"), key="breach_open", icon=":material/folder_open:"):
            st.switch_page(CASE_PAGE, query_params={"id": str(chosen)})

    if not actor.is_read_only:
        with st.expander(tr("breach.register.export"), icon=":material/inventory:", key="breach_register_export_open"):
            st.caption(tr("breach.register.export_help"))
            pdf_col, csv_col = st.columns(2)
            for column, fmt in ((pdf_col, "pdf"), (csv_col, "csv")):
                extract = OneShot(f"breach_register_{fmt}")
                if column.button(tr(f"breach.register.issue_{fmt}"), key=extract.key):
                    extract.run(lambda: ui.call(breach.issue_register, flt, ui.lang(), fmt, actor=actor).value)
                document = extract.outcome
                if document:
                    column.download_button(tr("breach.documents.download", number=document.number), document.content,
                                           file_name=document.filename, mime=document.media_type,
                                           key=f"breach_register_download_{fmt}", on_click="ignore")

if declare_tab:
    with declare_tab[0]:
        st.caption(tr("breach.declare.intro"))
        forms = CaseForms("breach_declare")
        # "Now" is fixed when the form opens: detection and awareness typed minutes before the submit stay.
        data = widgets.facts_form(forms.key(), actor, forms.fixed("now", widgets.paris_now))
        if data is not None:
            declared = ui.call(breach.declare, data, actor=actor)
            if declared.ok:
                forms.opened(declared.value.id, CASE_PAGE, mail_outbox.declaration_notice(),
                             reference=declared.value.reference)
