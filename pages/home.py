import streamlit as st

from dashboard import organisation, ui, users

actor = ui.page_actor(page="home")
st.title(ui.t("home.title", name=actor.full_name))
departments = ui.call(organisation.list_departments, actor=actor).value or []
names = ", ".join(d.name for d in departments if d.id in actor.department_ids)
st.write(ui.t(f"home.intro.{actor.role}", departments=names or "—"))
if ui.call(users.must_change_password, actor=actor, quiet=True).value:
    st.warning(ui.t("auth.must_change_password"))
