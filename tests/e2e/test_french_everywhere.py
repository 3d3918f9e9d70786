"""Every page of every role, in French then in English: no raw catalogue key, no word of
the other language (issue 20). One login per role and language on the shared app server;
each page of the navigation is opened (the pages come from dashboard/navigation.py, so
pages added later are walked too), then each of its tabs. The text read is what a person
sees: visible text and placeholders, Streamlit's material icon names left out; tables
drawn on a canvas (st.dataframe) are read through their accessible cells."""

import re

import pytest

from dashboard import navigation
from dashboard.i18n import catalogue, has_key
from tests.e2e.conftest import login, no_traceback, settle, wait_idle

pytestmark = pytest.mark.browser

ROLES = ("dpo", "juriste", "chef.rh", "auditeur")
AREAS = {key.split(".", 1)[0] for key in catalogue()}  # first segments of the catalogue's keys
CANDIDATE = re.compile(r"(?<![\w@./\-])[a-z_]+(?:\.[a-z0-9_]+)+(?![\w@/\-])")
FILE_ENDINGS = {"csv", "pdf", "zip", "txt", "json", "ics", "log", "xlsx", "png", "fr", "com", "org", "eu", "example",
                "net", "io"}
ENGLISH = ("True", "False", "None", "channel", "method", "Sep", "Submit", "Browse files", "Drag and drop", "Upload",
           "per file", "Choose an option", "Choose options", "No options", "No results", "Select all",
           "Press Enter", "Deadlines", "Requests", "Search", "Download", "Choose a date", "today")
FRENCH = ("Vrai", "Faux", "Télécharger", "Parcourir", "Déposez", "Échéances", "Demandes",
          "Choisir", "Enregistrer", "Rechercher", "aujourd'hui", "Oui", "Non", "Motif", "janv.", "févr.", "sept.",
          "déc.")

# The visible text of a page, as read by a person: icons' ligature names, hidden parts and
# script/style left out; placeholders and the accessible cells of canvas tables added.
READ_TEXT = """(root) => {
  // icons are ligatures of a symbol font ("verified", "upload"); the skip link shows on keyboard focus only
  const skip = '[data-testid="stIconMaterial"], [data-testid="stSidebarNavLinkIcon"], [data-testid="stSkipLink"], '
    + 'a[href="#main"], script, style, svg, noscript';
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode(node) {
    const el = node.parentElement;
    if (!el || el.closest(skip) || getComputedStyle(el).fontFamily.includes('Material')) return NodeFilter.FILTER_REJECT;
    if (node.nodeValue.trim() === 'Skip to main content') return NodeFilter.FILTER_REJECT;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: false})
        && !el.closest('[role="grid"], table')) return NodeFilter.FILTER_REJECT;
    return NodeFilter.FILTER_ACCEPT;
  }});
  while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
  // a text box's placeholder shows while it is empty; a select box draws its own (read above)
  root.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
    if (!e.value && !e.closest('[data-baseweb="select"]') && e.checkVisibility()) out.push(e.placeholder);
  });
  return out.join('\\n');
}"""


def catalogue_keys(text: str) -> list[str]:
    """Words that look like a catalogue key (area.name[.more]): a real key, or one of an area
    the catalogue knows. File names and e-mail or web addresses are not keys."""
    found = []
    for match in CANDIDATE.finditer(text):
        word = match.group(0)
        if word.rsplit(".", 1)[-1] in FILE_ENDINGS:
            continue
        if has_key(word) or word.split(".", 1)[0] in AREAS:
            found.append(word)
    return found


def foreign_words(text: str, words: tuple[str, ...]) -> list[str]:
    """The words of the list found as words ("Non" in "Non-EU" or "Nonne" is not the word)."""
    return [w for w in words if re.search(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", text)]


def test_the_detectors_catch_what_they_should_and_nothing_else():
    text = ("Type : dsr.destruction_certificate · journal-audit.csv · dpo@mutuelle-medicis.fr · "
            "www.cnil.fr · audit.purge · Canal : Courriel · Trouvé : True · Sep 2026")
    assert catalogue_keys(text) == ["dsr.destruction_certificate", "audit.purge"]
    assert foreign_words(text, ENGLISH) == ["True", "Sep"]
    assert foreign_words("l'aujourd'hui", FRENCH) == []  # a word inside another is not a word
    assert foreign_words("Non-EU transfer forbidden", FRENCH) == [] and foreign_words("Réponse : Non", FRENCH) == ["Non"]


def _read(page) -> str:
    wait_idle(page)
    return page.get_by_test_id("stApp").evaluate(READ_TEXT)


def _check(page, where: str, words: tuple[str, ...], problems: list[str]) -> None:
    text = _read(page)
    keys = catalogue_keys(text)
    foreign = foreign_words(text, words)
    if keys or foreign:
        problems.append(f"{where}: keys {sorted(set(keys))}, other language {foreign}")


def _tabs(page, where: str, words, problems) -> None:
    """Open each tab of the page's main tab bar in turn (the first is open already)."""
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    names = [t.strip() for t in tabs.all_inner_texts()]
    for index, name in enumerate(names[1:8], start=1):
        page.get_by_test_id("stMain").get_by_role("tab").nth(index).click()
        settle(page)
        _check(page, f"{where} › {name}", words, problems)


def _walk(page, app_url: str, username: str, language: str) -> list[str]:
    login(page, app_url, username)
    words = ENGLISH
    if language == "en":
        page.get_by_test_id("stSidebar").get_by_text("EN", exact=True).click()
        page.get_by_text("Signed in:").wait_for()
        words = FRENCH
    problems: list[str] = []
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    links.first.wait_for()
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    paths = {href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs}
    listed = [spec for spec in navigation.PAGES if not spec.hidden and spec.url_path in paths | {"home"}
              and (spec.url_path in paths or spec.default)]
    hidden = [spec for spec in navigation.PAGES if spec.hidden]
    assert len(listed) == len(hrefs), f"the sidebar of {username} lists pages navigation.py does not: {paths}"
    for index, spec in enumerate(listed):
        if index:  # the first (the default page) is open already; the others through the sidebar, no reload
            links.nth(index).click()
            page.wait_for_url(re.compile(rf"/{re.escape(spec.url_path)}(\?|$)"))
            settle(page)
        no_traceback(page)
        _check(page, f"{username}/{language} {spec.url_path}", words, problems)
        _tabs(page, f"{username}/{language} {spec.url_path}", words, problems)
    for spec in hidden:  # a case page, on the first case of the demo (or "choose a case", or refused)
        page.goto(f"{app_url}/{spec.url_path}?id=1")
        wait_idle(page)
        no_traceback(page)
        _check(page, f"{username}/{language} {spec.url_path}?id=1", words, problems)
        _tabs(page, f"{username}/{language} {spec.url_path}?id=1", words, problems)
    if language == "en":  # the account keeps the language chosen: back to French for the next tests
        page.get_by_test_id("stSidebar").get_by_text("FR", exact=True).click()
        page.get_by_text("Connecté(e) :").wait_for()
    return problems


# French for every role; English for the DPO, who sees every page (the other roles' pages
# are the same pages with less data): eight walks would take too long on a loaded machine.
WALKS = [*((username, "fr") for username in ROLES), ("dpo", "en")]


@pytest.mark.parametrize(("username", "language"), WALKS)
def test_every_page_of_every_role_speaks_one_language(page, app_url, username, language):
    problems = _walk(page, app_url, username, language)
    assert not problems, "\n".join(problems)
