"""The group in the browser (issue 18): (a) a department of one entity is invisible to the
head of another entity's department — Médicis's marketing head does not see Savelunari's
register entry nor its requests, and opening them by their URL is refused; (b) the insurer's
clause policy applies to the entities that adopted it only — a Médicis processor's contract
lists the eight points, a Savelunari one does not."""

import sqlite3

import pytest
from playwright.sync_api import expect

from dashboard.i18n import translate
from tests.e2e.conftest import login, no_traceback, open_page, open_tab, wait_idle

pytestmark = pytest.mark.browser
REFUSED = translate("error.not_allowed", "fr")
SHARING = "Partage des réussites sur les réseaux sociaux"  # Savelunari's, its marketing department's
PROSPECTION = "Prospection commerciale"  # Médicis's, its marketing department's


def _rows(database_url: str, sql: str) -> list[tuple]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql).fetchall()


def _cell(page, text: str):
    return page.get_by_test_id("stMain").get_by_text(text, exact=True)


def test_a_savelunari_department_is_invisible_to_the_medicis_marketing_head(page, app_url, e2e_database_url):
    sharing_id = _rows(e2e_database_url, f"SELECT id FROM processing_activity WHERE name = '{SHARING}'")[0][0]
    savelunari = _rows(e2e_database_url, "SELECT r.id, r.reference FROM dsr_request r JOIN entity e "
                                         "ON e.id = r.entity_id WHERE e.code = 'SAVELUNARI' AND r.is_open "
                                         "ORDER BY r.id")
    medicis = _rows(e2e_database_url, "SELECT r.reference FROM dsr_request r JOIN department d "
                                      "ON d.id = r.department_id WHERE d.code = 'DCEM' AND r.is_open")
    assert savelunari

    login(page, app_url, "chef.marketing")
    open_page(page, "Registre des traitements")
    _cell(page, PROSPECTION).first.wait_for(state="attached")  # the list is drawn: his entries are there
    expect(_cell(page, SHARING)).to_have_count(0)

    open_page(page, "Demandes de droits")
    if medicis:
        _cell(page, medicis[0][0]).first.wait_for(state="attached")
    else:
        page.get_by_role("heading", level=1).wait_for()
        wait_idle(page)
    for _, reference in savelunari:
        expect(_cell(page, reference)).to_have_count(0)

    page.goto(f"{app_url}/register-activity?id={sharing_id}")
    wait_idle(page)
    page.get_by_text(REFUSED).first.wait_for()
    expect(page.get_by_test_id("stMain")).not_to_contain_text(SHARING)
    page.goto(f"{app_url}/dsr-case?id={savelunari[0][0]}")
    wait_idle(page)
    page.get_by_text(REFUSED).first.wait_for()
    expect(page.get_by_test_id("stMain")).not_to_contain_text(savelunari[0][1])
    no_traceback(page)

    # The head of Savelunari's teams sees the request his department works.
    login(page, app_url, "chef.peda", at=f"dsr-case?id={savelunari[0][0]}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(savelunari[0][1])


def test_the_clause_policy_applies_to_the_adopting_entities_only(page, app_url, e2e_database_url):
    ids = dict(_rows(e2e_database_url, "SELECT legal_name, id FROM processor WHERE legal_name IN "
                                       "('ArchivEco SAS', 'PayRhône SAS')"))
    audit_point = translate("processor.clause.policy_audit", "fr")
    login(page, app_url, "juriste")

    page.goto(f"{app_url}/processor?id={ids['ArchivEco SAS']}")  # Médicis's archiving provider
    wait_idle(page)
    open_tab(page, "Contrats")
    page.get_by_text("les huit points de la politique de l'assureur, adoptée par").first.wait_for()
    _cell(page, audit_point).first.wait_for(state="attached")

    page.goto(f"{app_url}/processor?id={ids['PayRhône SAS']}")  # Savelunari's payment provider
    wait_idle(page)
    open_tab(page, "Contrats")
    page.get_by_text("article 28(3) du RGPD seul").first.wait_for()
    _cell(page, translate("processor.clause.art28_a", "fr")).first.wait_for(state="attached")
    expect(_cell(page, audit_point)).to_have_count(0)
    no_traceback(page)
