"""The layers of the design card, checked on the source."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_models_and_exports_never_import_streamlit_or_the_application():
    for folder, forbidden in (("models", {"streamlit", "dashboard", "exports", "pages"}),
                              ("exports", {"streamlit", "dashboard", "pages"})):
        for path in (ROOT / folder).rglob("*.py"):
            assert not (_imports(path) & forbidden), f"{path.relative_to(ROOT)} imports {_imports(path) & forbidden}"


def test_pages_hold_no_sql_and_no_sessions():
    for path in (ROOT / "pages").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not (_imports(path) & {"sqlmodel", "sqlalchemy"}), path.name
        for token in (r"(?<![\w.])select\(", r"\bSession\(", r"session\.exec", r"\.execute\(", r"unit_of_work"):
            assert not re.search(token, source), f"{path.name} uses {token}"


def test_every_page_checks_the_actor_first():
    for path in (ROOT / "pages").glob("*.py"):
        if path.name == "login.py":
            continue
        assert "ui.page_actor(" in path.read_text(encoding="utf-8"), path.name


def test_entry_script_is_not_next_to_the_pages_folder():
    assert (ROOT / "dashboard" / "app.py").exists()
    assert not (ROOT / "app.py").exists() and not (ROOT / "streamlit_app.py").exists()


def test_every_registered_page_exists():
    from dashboard.navigation import LOGIN_PAGE, PAGES

    for spec in (*PAGES, LOGIN_PAGE):
        assert (ROOT / "pages" / spec.file).exists(), spec.file
    assert len({spec.url_path for spec in PAGES}) == len(PAGES)


def test_the_app_reads_the_time_through_one_clock():
    """Every "now" of the app comes from `models.types.utcnow`: one place that says the time is
    UTC, and the one the browser tests move forward to let a minute pass (tests/app_clock.py),
    so a form default computed from another clock would escape them."""
    # A clock named without a call counts too (`default_factory=datetime.utcnow`), and so do the
    # database's clock (a server default) and an import that hides the module's name.
    other_clocks = re.compile(r"\b(?:datetime\.(?:now|today|utcnow)|date\.today|Timestamp\.(?:now|today|utcnow)"
                              r"|time\.(?:time|time_ns|localtime|gmtime|ctime|asctime))\b"
                              r"|\bfunc\.(?:now|current_timestamp|current_date|localtimestamp)\("
                              r"|\bCURRENT_(?:TIMESTAMP|DATE)\b"
                              r"|^\s*from time import|^\s*from datetime import [^\n]*\bas\b", re.MULTILINE)
    for hidden in ("Field(default_factory=datetime.utcnow)", "datetime.datetime.now()", "pd.Timestamp.now()",
                   "time.time_ns()", "server_default=func.current_timestamp()", "text('CURRENT_DATE')",
                   "from time import time", "from datetime import datetime as dt"):
        assert other_clocks.search(hidden), hidden
    allowed = {"models/types.py": 1,  # utcnow itself
               "dashboard/cli.py": 1}  # a backup file's name in the local time of whoever runs the command
    for folder in ("dashboard", "models", "pages", "exports"):
        for path in (ROOT / folder).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            found = len(other_clocks.findall(path.read_text(encoding="utf-8")))
            assert found == allowed.get(name, 0), f"{name} reads the time {found} times without models.types.utcnow"
