"""Every page in the browser, in French then in English: no raw catalogue key, no word of
the other language (issue 20), for one role, the DPO's (who has every page and every form).

Each role's pages, in both languages, are walked without a browser by
tests/apptest/test_language_walk.py: every text the server sends (titles, text, labels,
help, placeholders, options, tables, charts, every tab and expander) for the DPO, the legal
officer, a head of department and the auditor, on the non-browser workers. What this walk
adds is what only a browser draws or does:
- Streamlit's own words on its widgets (a drop-down's "Choose an option", the file
  uploader's "Browse files" and "Drag and drop", which the app's style sheet must hide and
  write anew in French: the style sheet's selectors must still meet this Streamlit's page);
- the language switch: the choice saved, the reload, every widget drawn anew in English;
- what shows and what does not (visible text only, a collapsed expander's content is not read).
These are the same on every role's pages, and the DPO has every page the others have
(tests/apptest/test_roles.py EXPECTED_PAGES) and the most forms: one role walks here. (On a
loaded 2-core machine the browser walks took 448 s for the DPO, 375 s for the legal officer,
133 s for a head of department, 194 s for the auditor, one after the other on the browser
worker; the AppTest walks take 4 to 22 s per role and language, beside them.)

One login on the shared app server, French then English (the sidebar's switch); each page of
the navigation is opened (the pages come from dashboard/navigation.py, so pages added later
are walked too), then each of its tabs. The text read is what a person sees: visible text and
placeholders, Streamlit's material icon names left out; tables drawn on a canvas
(st.dataframe) are read through their accessible cells."""

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import update

from dashboard import db, navigation
from models.org import User
from tests.e2e.conftest import login, no_traceback, script_runs, settle, wait_idle
from tests.language_check import ENGLISH, FRENCH, catalogue_keys, foreign_words

ROLES = ("dpo",)  # the other roles: tests/apptest/test_language_walk.py (see above)
ROOT = Path(__file__).resolve().parents[2]

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


def _read(page) -> str:
    wait_idle(page)
    return page.get_by_test_id("stApp").evaluate(READ_TEXT)


def _findings(text: str, words: tuple[str, ...]) -> tuple[list[str], list[str]]:
    return sorted(set(catalogue_keys(text))), foreign_words(text, words)


def _check(page, where: str, words: tuple[str, ...], problems: list[str]) -> None:
    """Read the page once; only when something is found, read it again a moment later, once
    the app is idle: a rerun under way (a widget's, the other test's data changing) may show
    for an instant what the settled page does not, and only the settled page counts."""
    keys, foreign = _findings(_read(page), words)
    if keys or foreign:
        settle(page)
        keys, foreign = _findings(_read(page), words)
    if keys or foreign:
        problems.append(f"{where}: keys {keys}, other language {foreign}")


TAB_BARS = """(main) => [...main.querySelectorAll('[role="tab"]')].map(tab => {
  const bar = tab.closest('[data-testid="stTabs"]');
  return [tab.innerText.trim(), !!bar && [...bar.classList].some(c => c.startsWith('st-key-'))];
})"""


def _tabs(page, where: str, words, problems) -> None:
    """Open each tab of the page's tab bars in turn (the first is open already). A tab bar
    that reruns the script on a change (`on_change="rerun"`, keyed: see the test below) is
    followed to its run's end; the others switch in the browser, with nothing to wait for."""
    runs = script_runs(page)
    main = page.get_by_test_id("stMain")
    for index, (name, keyed_bar) in enumerate(main.evaluate(TAB_BARS)[1:8], start=1):
        tab = main.get_by_role("tab").nth(index)
        if keyed_bar:
            runs.follow(tab.click, may_not_run=True)
        else:
            tab.click()
            wait_idle(page)
        _check(page, f"{where} › {name}", words, problems)


def _switch_language(page, code: str, signed_in: str) -> None:
    """The sidebar's language switch: the app saves the choice and reloads itself."""
    with page.expect_navigation():
        page.get_by_test_id("stSidebar").get_by_text(code.upper(), exact=True).click()
    page.get_by_text(signed_in).wait_for()
    wait_idle(page)


def _walk(page, app_url: str, username: str, language: str, words: tuple[str, ...]) -> list[str]:
    """Every page of the sidebar, then the case pages, in the language the user has now."""
    runs = script_runs(page)
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
        if index or language != "fr":  # the default page is open after the log-in; after the switch, open it anew
            runs.follow(links.nth(index).click)
            path = rf"(/{re.escape(spec.url_path)})?/?" if spec.default else rf"/{re.escape(spec.url_path)}"
            page.wait_for_url(re.compile(rf"^{re.escape(app_url)}{path}(\?|$)"))
        no_traceback(page)
        _check(page, f"{username}/{language} {spec.url_path}", words, problems)
        _tabs(page, f"{username}/{language} {spec.url_path}", words, problems)
    for spec in hidden:  # a case page, on the first case of the demo (or "choose a case", or refused)
        runs.go_to(app_url, f"{spec.url_path}?id=1")
        no_traceback(page)
        _check(page, f"{username}/{language} {spec.url_path}?id=1", words, problems)
        _tabs(page, f"{username}/{language} {spec.url_path}?id=1", words, problems)
    return problems


def _back_to_french(e2e_database_url: str, username: str) -> None:
    """The account keeps the language chosen; the other browser tests expect French, even
    when this one stopped half-way."""
    engine = db.make_engine(e2e_database_url)
    try:
        with db.new_session(engine) as session:
            session.execute(update(User).where(User.username == username).values(language="fr"))
            session.commit()
    finally:
        engine.dispose()


@pytest.mark.browser  # the test below needs no browser: it runs beside the browser tests
@pytest.mark.parametrize("username", ROLES)
def test_every_page_speaks_one_language_in_the_browser(page, app_url, e2e_database_url, username):
    """One log-in per role: every page in French, then the switch to English and every page
    again; the account is set back to French at the end."""
    script_runs(page)  # listens before the app's websocket opens
    login(page, app_url, username)
    try:
        problems = _walk(page, app_url, username, "fr", ENGLISH)
        _switch_language(page, "en", "Signed in:")
        problems += _walk(page, app_url, username, "en", FRENCH)
        _switch_language(page, "fr", "Connecté(e) :")
    finally:
        _back_to_french(e2e_database_url, username)
    assert not problems, "\n".join(problems)


def test_tab_bars_that_rerun_are_keyed():
    """The walk waits for a run after a click only on keyed tab bars: a tab bar that reruns
    the script on a change must carry a key (Streamlit's st-key- class shows it)."""
    unkeyed = []
    for path in sorted((ROOT / "pages").rglob("*.py")) + sorted((ROOT / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "tabs":
                names = {k.arg for k in node.keywords}
                if "on_change" in names and "key" not in names:
                    unkeyed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unkeyed
