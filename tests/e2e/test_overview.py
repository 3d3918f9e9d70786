"""The deadline overview in the browser: the DPO's figures, lists and charts; a department
head's overview limited to his or her departments."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, no_traceback, open_tab, settle, wait_idle

pytestmark = pytest.mark.browser


def _metric(page, label: str) -> int:
    value = page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue")
    expect(value).to_have_text(re.compile(r"^\s*\d+\s*$"))
    return int(value.inner_text().strip())


def test_the_dpo_sees_every_deadline_and_opens_the_list_behind_a_figure(page, app_url):
    login(page, app_url, "dpo")
    page.get_by_role("heading", name="Échéances").wait_for()
    assert _metric(page, "Demandes ouvertes") > 0
    register_review = re.compile(r"^Revue annuelle d'une fiche du registre \(")  # (late · due)
    page.locator(".st-key-ov_focus").get_by_text(register_review).click()
    settle(page)
    page.get_by_role("heading", name="Liste : Revue annuelle d'une fiche du registre").wait_for()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("td[role=gridcell]").first).to_have_text(re.compile(r"^TRT-"))  # once the rerun is drawn
    first = grid.locator("td[role=gridcell]").first.text_content()
    page.locator(".js-plotly-plot").first.wait_for()  # the deadline timeline
    open_tab(page, "Délais de 72 h")
    page.get_by_text("Violations non encore notifiées").first.wait_for()
    open_tab(page, "Conformité")
    page.get_by_test_id("stMetric").filter(has_text="Violations notifiées sous 72 h").first.wait_for()
    no_traceback(page)
    # one click on the row opens the case behind the deadline (the canvas grid: its row marker)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 52)
    page.wait_for_url("**/register-activity?id=*")
    wait_idle(page)
    page.get_by_text(first).first.wait_for()


def test_a_department_head_sees_only_the_deadlines_of_his_departments(page, app_url):
    login(page, app_url, "dpo")
    page.get_by_role("heading", name="Échéances").wait_for()
    everyone = _metric(page, "Demandes ouvertes")
    login(page, app_url, "chef.rh")
    page.get_by_role("heading", name="Échéances").wait_for()
    page.get_by_text("Vos directions seulement : Ressources humaines.").wait_for()
    assert _metric(page, "Demandes ouvertes") < everyone
    page.locator(".st-key-ov_department").click()
    expect(page.get_by_role("option")).to_have_text(["Tous", "Ressources humaines"])
    page.keyboard.press("Escape")
