import streamlit as st

from dashboard import ui
from dashboard.dsr import answers
from dashboard.form_state import CaseForms
from models.answer_letter import KINDS, LANGUAGES
from models.roles import Capability

actor = ui.page_actor(Capability.WORK_ALL_CASES, page="answer-templates")
tr = ui.tr()
st.title(tr("answer.templates.title"))
st.caption(tr("answer.templates.intro"))

left, right = st.columns([3, 1])
kind = left.selectbox(tr("answer.templates.kind"), KINDS, format_func=lambda k: tr(f"answer.kind.{k}"),
                      key="answer_template_kind")
language = right.selectbox(tr("answer.templates.language"), LANGUAGES, format_func=lambda x: tr(f"language.{x}"),
                           key="answer_template_language")

history = ui.call(answers.template_history, kind, language, actor=actor).value or []
if not history:
    st.stop()
current = history[0]
forms = CaseForms("answer_template", f"{kind}:{language}")
seen = forms.version("template", current.revision)  # the version the editor opened
st.caption(tr("answer.templates.current", revision=current.revision, at=tr.datetime(current.created_at),
              who=ui.literal(current.created_by_name)))

with st.form(forms.key("form")):
    body = st.text_area(tr("answer.templates.body"), current.body, height=480, key=forms.key("body"))
    note = st.text_input(tr("answer.templates.note"), key=forms.key("note"))
    if st.form_submit_button(tr("answer.templates.save"), type="primary"):
        forms.done(ui.call(answers.save_template, kind, language, seen, {"body": body, "note": note}, actor=actor),
                   "answer.templates.saved")

with st.expander(tr("answer.templates.placeholders"), expanded=True):
    st.caption(tr("answer.templates.placeholders_help"))
    st.dataframe([{tr("answer.templates.col.field"): "{{ " + name + " }}",
                   tr("answer.templates.col.meaning"): tr(f"answer.placeholder.{name}")}
                  for name, _ in answers.placeholders()], hide_index=True, width="stretch")

with st.expander(tr("answer.templates.preview")):
    preview = ui.call(answers.preview_template, current.body, language, actor=actor).value
    if preview:
        st.text(preview)

if len(history) > 1:
    st.subheader(tr("answer.templates.history"))
    for version in history[1:]:
        with st.expander(tr("answer.templates.version", revision=version.revision, at=tr.datetime(version.created_at),
                            who=ui.literal(version.created_by_name))):
            if version.note:
                st.caption(ui.literal(version.note))
            st.text(version.body)
