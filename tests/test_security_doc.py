"""docs/security.md maps OWASP ASVS 4.0.3 level-2 requirements to tests (issue 14, "Done
when"): every test it cites must exist, so that the map cannot rot when a test is renamed
or removed."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
CITATION = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
CHAPTERS = ("V1 ", "V2 ", "V3 ", "V4 ", "V5 ", "V6 ", "V7 ", "V8 ", "V9 ", "V10 ", "V12 ", "V13 ", "V14 ")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")}


def _citations() -> list[tuple[str, str]]:
    return CITATION.findall(DOC.read_text(encoding="utf-8"))


def test_every_cited_test_exists():
    citations = _citations()
    assert len(citations) > 100
    missing = []
    for file, name in sorted(set(citations)):
        path = ROOT / file
        if not path.is_file() or name not in _test_functions(path):
            missing.append(f"{file}::{name}")
    assert missing == [], "docs/security.md cites tests that do not exist"


def test_no_test_is_cited_by_another_form():
    """A citation with a typo in its form (a folder, a class, a missing "::") would
    escape the check above."""
    text = DOC.read_text(encoding="utf-8")
    loose = [m for m in re.findall(r"`(tests/[^`]*)`", text) if not CITATION.fullmatch(m)]
    assert loose == []


def test_every_chapter_that_applies_is_mapped():
    headings = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    for chapter in CHAPTERS:
        assert any(line.startswith(f"## {chapter}") for line in headings), chapter
