"""Every page of every role, in French and in English: no raw catalogue key, no word of the
other language (issue 20), read on the pages as Streamlit's AppTest draws them.

What the walk reads is everything the server sends for a page, main area and sidebar:
titles, text, captions, alerts, metrics (value, delta, help), every widget's label, help,
placeholder and options, buttons and links, the headers and cells of tables, the words of
charts, the words the app's style sheet writes on the file uploader, the content of every
tab, expander and popover (open or not; a tab bar drawing only its open tab is opened tab by
tab), plus the sidebar's page titles and sections. A missing key is also caught where it
would not show (the catalogue logs it). No browser: these tests run beside the browser
group, in seconds per role.

What only a browser shows (Streamlit's own words on its widgets, the language switch's
reload, a table's canvas) stays in tests/e2e/test_french_everywhere.py, for one role."""

import json
import logging
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

from dashboard import i18n, kept, navigation, ui
from dashboard.i18n import catalogue
from tests.conftest import actor_named
from tests.language_check import ENGLISH, FRENCH, _table_text, catalogue_keys, findings, foreign_words, page_text
from tests.page_support import APP, app_as, page_path, signed_in_token

ROLES = ("dpo", "juriste", "chef.rh", "auditeur")




def _keyed_tab_bars(at) -> list[tuple[str, list[str]]]:
    """The tab bars that carry a key, with their tabs' labels: the only ones a page can draw
    one tab at a time (`tab.open`), so the walk opens each of their tabs."""
    bars = []

    def visit(node) -> None:
        if getattr(node, "type", "") == "tab_container":
            element_id = node.proto.tab_container.id or node.proto.id
            key = user_key_from_element_id(element_id) if element_id else None
            labels = [child.label for child in node.children.values() if getattr(child, "type", "") == "tab"]
            if key and len(labels) > 1:
                bars.append((key, labels))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return bars


def _run_afresh(at) -> None:
    """Run the script with no widget value sent back, as on a page just opened: AppTest would
    otherwise word the last page's choices anew through their format_func outside the
    script's run, where the app's translator reads no session and speaks French, and fail
    to find them among English options."""
    tree = ElementTree()
    tree._runner = at
    at._tree = tree
    at.run()


def walk(org, username: str, language: str, files: set[str] | None = None) -> list[str]:
    """Every page the role has (the case pages on the demo's first case), in `language`;
    the problems found, one line each. `files`: only these pages (the checker's own test)."""
    actor = actor_named(org.engine, username)
    specs = [spec for spec in navigation.pages_for(actor) if files is None or spec.file in files]
    problems: list[str] = []

    def check(where: str, text: str) -> None:
        keys, foreign = findings(text, language)
        if keys or foreign:
            problems.append(f"{username}/{language} {where}: keys {keys}, other language {foreign}")

    check("sidebar navigation", "\n".join(i18n.translate(key, language) for spec in specs
                                          for key in (spec.title_key, spec.section_key)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[ui.TOKEN_KEY] = signed_in_token(org, username)
    at.session_state[ui.LANG_KEY] = language  # chosen before the first run, as the account's language would be
    at.run()
    for spec in specs:
        where = f"{spec.url_path}?id=1" if spec.hidden else spec.url_path
        at.query_params.clear()
        if spec.hidden:  # a case page, on the first case of the demo (or "choose a case", or refused)
            at.query_params["id"] = "1"
        _run_afresh(at.switch_page(page_path(spec.file)))
        if at.exception:
            problems.append(f"{username}/{language} {where}: exception {at.exception[0].value}")
            continue
        check(where, page_text(at, language))
        for key, labels in _keyed_tab_bars(at):
            for label in labels[1:]:
                at.session_state[key] = label
                _run_afresh(at)
                assert not at.exception, (where, label, at.exception)
                check(f"{where} › {label}", page_text(at, language))
            at.session_state[key] = labels[0]
    return problems


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_every_role_speaks_one_language(demo_db, caplog, username, language):
    with caplog.at_level(logging.WARNING, logger="dashboard.i18n"):
        problems = walk(demo_db, username, language)
    problems += [f"{username}/{language}: {r.getMessage()}" for r in caplog.records if r.name == "dashboard.i18n"]
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ the walk finds what it should

def test_the_detectors_catch_what_they_should_and_nothing_else():
    text = ("Type : dsr.destruction_certificate · journal-audit.csv · dpo@mutuelle-medicis.fr · "
            "www.cnil.fr · audit.purge · Canal : Courriel · Trouvé : True · Sep 2026")
    assert catalogue_keys(text) == ["dsr.destruction_certificate", "audit.purge"]
    assert foreign_words(text, ENGLISH) == ["True", "Sep"]
    assert foreign_words("l'aujourd'hui", FRENCH) == []  # a word inside another is not a word
    assert foreign_words("Non-EU transfer forbidden", FRENCH) == []
    assert foreign_words("Réponse : Non", FRENCH) == ["Non"]


def _drop(monkeypatch, key: str) -> None:
    """The catalogue loses a key: the pages show it raw, as a missing key would."""
    assert key in catalogue()
    monkeypatch.delitem(catalogue(), key)


def _english_in_french(monkeypatch, key: str) -> None:
    """A key's French text is its English one (a translation forgotten)."""
    monkeypatch.setitem(catalogue(), key, {"fr": catalogue()[key]["en"], "en": catalogue()[key]["en"]})


# (what is broken, the page it shows on, the role, the language, what the walk must report)
INJECTED = [
    ("drop", "overview.title", "home.py", "dpo", "fr", "overview.title"),  # a page title
    ("drop", "overview.tab.compliance", "home.py", "dpo", "en", "overview.tab.compliance"),  # a tab label
    ("english", "overview.title", "home.py", "dpo", "fr", "Deadlines"),
    ("drop", "ui.uploader.button", "dsr_case.py", "dpo", "fr", "ui.uploader.button"),  # the uploader's style sheet
    # a tab drawn only when open
    ("drop", "overview.compliance.requests", "home.py", "dpo", "fr", "overview.compliance.requests"),
    ("drop", "overview.chart.received", "home.py", "dpo", "en", "overview.chart.received"),  # a chart's trace
    ("drop", "audit.col.actor", "audit_trail.py", "auditeur", "fr", "audit.col.actor"),  # a table's header
    ("drop", "common.all", "audit_trail.py", "dpo", "en", "common.all"),  # a drop-down's option
    ("drop", "dsr.intake.received_help", "dsr_intake.py", "juriste", "fr", "dsr.intake.received_help"),  # a help
]


@pytest.mark.parametrize(("how", "key", "file", "username", "language", "expected"), INJECTED,
                         ids=[f"{how}-{key}" for how, key, *_ in INJECTED])
def test_the_walk_reports_a_raw_key_or_the_other_language(demo_db, monkeypatch, how, key, file, username, language,
                                                          expected):
    assert not walk(demo_db, username, language, {file})  # the page is clean as it is
    (_drop if how == "drop" else _english_in_french)(monkeypatch, key)
    kept.forget_everything()  # the charts kept from the clean walk hold the words of the time
    try:
        problems = walk(demo_db, username, language, {file})
    finally:
        kept.forget_everything()  # nor may the next test see what this one broke
    assert any(expected in problem for problem in problems), problems


def test_the_reader_reads_table_cells_as_the_browser_shows_them(demo_db):
    """A table's headers and cells are read; an empty cell reads "None" (as st.dataframe
    draws it), a column's label replaces its name, a hidden column is not read."""
    at = app_as(demo_db, "dpo")
    at.switch_page(page_path("audit_trail.py")).run()
    text = page_text(at, "fr")
    frame = at.dataframe[0].value
    assert str(frame.iloc[0, 0]) in text and str(frame.columns[-1]) in text
    assert findings(text, "fr") == ([], [])
    columns = json.dumps({"a": {"label": "Réponse"}, "b": {"hidden": True}})
    table = SimpleNamespace(value=pd.DataFrame({"a": ["Oui", None], "b": ["x", "y"], "c": [True, False]}),
                            proto=SimpleNamespace(columns=columns))
    out: list[str] = []
    _table_text(table, "fr", out)
    assert out == ["Réponse", "Oui", "None", "c"]
