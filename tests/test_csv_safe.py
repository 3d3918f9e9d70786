from datetime import datetime, timezone

from exports.csv_safe import safe_cell, to_csv


def test_formula_cells_are_neutralised():
    for dangerous in ("=HYPERLINK(\"http://x\")", "+33 1 23", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous).startswith("'")
    assert safe_cell("Dupont") == "Dupont"
    assert safe_cell(-5) == "-5"  # numbers are data


def test_csv_is_excel_friendly_and_shows_paris_time():
    data = to_csv(["nom", "quand"], [["Zoé; \"Dupont\"", datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)]])
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["nom;quand", '"Zoé; ""Dupont""";2026-07-01 10:00']
