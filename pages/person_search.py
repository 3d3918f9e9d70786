from pathlib import Path

import streamlit as st

from dashboard import person_search, ui
from models.roles import Capability

HERE = Path(__file__).parent
RESULTS = "_person_search_results"  # (reason, hits) of the last search, kept for this page only

actor = ui.page_actor(Capability.WORK_ALL_CASES, page="person-search")
tr = ui.tr()
st.title(tr("person_search.title"))
st.caption(tr("person_search.help"))

with st.form("person_search"):
    query = st.text_input(tr("field.search_query"), key="person_search_query", max_chars=200)
    reason = st.text_input(tr("field.search_reason"), key="person_search_reason", max_chars=500)
    if st.form_submit_button(tr("person_search.submit"), type="primary", icon=":material/search:"):
        st.session_state.pop(RESULTS, None)
        found = ui.call(person_search.search_person, query, reason, actor=actor)
        if found.ok:
            st.session_state[RESULTS] = (reason.strip(), found.value)

if RESULTS in st.session_state:
    stated, hits = st.session_state[RESULTS]
    if not hits:
        st.info(tr("person_search.none"))
    else:
        st.success(tr("person_search.found", count=len(hits)))
        if sum(h.case_type == "dsr" for h in hits) >= person_search.MAX_RESULTS or \
                sum(h.case_type == "breach" for h in hits) >= person_search.MAX_RESULTS:
            st.warning(tr("person_search.truncated", max=person_search.MAX_RESULTS))
    for hit in hits:
        status = tr(f"dsr.status.{hit.status}") if hit.case_type == "dsr" else tr(f"breach.status.{hit.status}")
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{hit.reference}** — " + tr("person_search.row", type=tr(f"person_search.type.{hit.case_type}"),
                                                        entity=ui.literal(hit.entity_name), day=tr.date(hit.day),
                                                        status=status,
                                                        matched=tr(f"person_search.matched.{hit.matched}")))
        if hit.case_type == "dsr":
            # The reason stated for the search is the reason for opening what it found (logged again there).
            st.session_state[f"dsr_reason_{hit.case_id}"] = stated
            target = HERE / "dsr_case.py"
        else:
            target = HERE / "breach_case.py"
        right.page_link(str(target), label=tr("person_search.open", reference=hit.reference),
                        query_params={"id": str(hit.case_id)}, icon=":material/folder_open:")
