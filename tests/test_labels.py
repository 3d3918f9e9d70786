"""Stored codes in words (dashboard/i18n/labels.py): audit actions, document kinds, and the
details of a case's history and of the audit trail, in French and in English."""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.i18n import Translator, has_key
from dashboard.i18n import labels

ROOT = Path(__file__).resolve().parents[1]
FR, EN = Translator("fr"), Translator("en")
CATALOGUE_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")


AUDIT_AREAS = {"access", "audit", "auth", "breach", "calendar", "dpia", "dsr", "evidence", "mfa", "organisation",
               "overview", "personal_data", "processor", "register", "sso", "users"}


def _actions_in_code() -> set[str]:
    """Every audit action the application records or checks under a literal name: the
    dotted literals of an audit area passed to a call (audit.record, require, fetch,
    _visible...) that are not catalogue keys (messages are)."""
    found = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                values = [*node.args, *(k.value for k in node.keywords if k.arg == "action")]
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and
                                                      (t.id == "action" or t.id.endswith("_ACTION"))
                                                      for t in node.targets):
                values = [node.value]
            else:
                continue
            # `action = "x.update" if ... else "x.create"`: both branches are recorded
            values = [branch for value in values for branch in
                      ((value.body, value.orelse) if isinstance(value, ast.IfExp) else (value,))]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and \
                        re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", value.value) and \
                        value.value.split(".")[0] in AUDIT_AREAS and not has_key(value.value):
                    found.add(value.value)
    return found


def _kinds_in_code() -> set[str]:
    found = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        found.update(re.findall(r'\bkind="([a-z_]+(?:\.[a-z_]+)*)"', path.read_text(encoding="utf-8")))
        found.update(re.findall(r'_KIND\s*=\s*"([a-z_]+(?:\.[a-z_]+)*)"', path.read_text(encoding="utf-8")))
    return found - {"test"}


def test_the_history_line_of_the_issue_reads_in_french():
    details = {"channel": "email", "method": "knowledge_questions", "found": True}
    text = labels.describe(FR, details, "dsr.identity")
    assert "Canal : Courriel" in text and "Données trouvées : Oui" in text
    assert "Méthode : " in text and "knowledge_questions" not in text
    for english in ("channel", "method", "found", "True", "email"):
        assert english not in text
    assert "Channel : E-mail" in labels.describe(EN, details, "dsr.identity")


def test_every_action_the_code_records_has_a_label_in_both_languages():
    actions = _actions_in_code()
    assert {"audit.purge", "evidence.verify", "dsr.create", "access.denied", "register.view",
            "processor.contract.update", "dpia.reopen"} <= actions  # harvest works, conditional names too
    missing = sorted(a for a in actions if not has_key(f"audit.action.{a}"))
    assert not missing, f"audit actions without a label (catalogue/labels.json): {missing}"
    assert labels.action_label(FR, "audit.purge").startswith("Purge")
    assert labels.action_label(EN, "audit.purge").startswith("Purge of old")


def test_derived_actions_are_named_too():
    assert labels.action_label(FR, "dsr.extend.refused") == "Demande : délai prolongé (refusé)" or \
        labels.action_label(FR, "dsr.extend.refused") == FR("dsr.history.dsr.extend.refused")
    assert labels.action_label(FR, "page:audit-trail") == "Accès à la page « Journal d'audit »"
    assert labels.action_label(FR, "evidence.issue:dsr.destruction_certificate") == "Émission : Certificat d'effacement"
    assert labels.action_label(FR, "personal_data.view") == "Consultation de données personnelles"


def test_every_document_kind_the_code_issues_has_a_label():
    kinds = _kinds_in_code() | {"dsr.acknowledgement", "dsr.destruction_certificate", "dsr.extension_notice"}
    assert {"breach.people_letter", "evidence.audit_pack"} <= kinds
    for kind in kinds:
        for tr in (FR, EN):
            text = labels.document_kind(tr, kind)
            assert not CATALOGUE_KEY.search(text), (kind, text)
    assert labels.document_kind(FR, "dsr.destruction_certificate") == "Certificat d'effacement"
    assert labels.document_kind(FR, "breach.people_letter.signed") == "Lettre aux personnes concernées (copie signée)"
    assert labels.document_kind(FR, "someone.elses_kind") == "Document"  # never the raw code


def test_dates_and_instants_are_paris_time_dd_mm_yyyy():
    details = {"received_on": "2026-10-23", "aware_at": "2026-12-02T23:30:00+00:00"}
    text = labels.describe(FR, details, "breach.declare")
    assert "23/10/2026" in text and "03/12/2026 00:30" in text  # midnight past in Paris
    assert "2026-10-23" not in text and "T23:30" not in text


def test_changes_read_before_and_after_and_skip_what_stayed_empty():
    details = {"changes": {"risk_level": [None, "risk"], "note": ["", ""]}, "justification": "Données de contact"}
    assert labels.changes(FR, details, "breach.qualify") == [("Niveau de risque", "—", "Risque")]
    assert labels.describe(FR, details, "breach.qualify", with_changes=False) == "Justification : Données de contact"
    assert labels.describe_changes(FR, details, "breach.qualify") == "Niveau de risque : — → Risque"


def test_status_pairs_arrows_lists_commas_and_ids_named_by_the_caller():
    text = labels.describe(FR, {"status": ["received", "in_progress"], "rights": ["access", "erasure"],
                                "department_id": 3}, "dsr.status", lookups={"department_id": {3: "Ressources humaines"}})
    assert "Reçue → En cours" in text and "Accès, Effacement" in text and "Direction : Ressources humaines" in text


def test_the_audit_entry_details_of_the_demo_read_without_codes():
    """A few real shapes: a verification, a refused access, a search filter, a purge."""
    samples = [
        ("evidence.verify", {"outcome": "in_pack", "via": "file", "given": "manifest.csv", "sha256": "ab" * 32,
                             "size": 120, "claimed": [], "pack_file": "manifest.csv"}),
        ("access.denied", {"attempted": "evidence.audit_pack", "capability": "read_audit_trail"}),
        ("dsr.export", {"rows": 15, "filter": {"entity_id": 1, "within_days": 7, "received_from": "2025-12-04"}}),
        ("audit.purge", {"months": 60, "cutoff": "2021-12-03", "removed": 120}),
    ]
    for action, details in samples:
        text = labels.describe(FR, details, action)
        assert not any(word in text for word in ("True", "False", "None", "{", "\"")), text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    assert "Action tentée : Dossier d'audit constitué" in labels.describe(FR, samples[1][1], "access.denied")


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=300),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children,
                                                                                       max_size=4),
                    max_leaves=20),
       st.text(max_size=40))
def test_any_stored_details_are_described_without_error(value, action):
    """Details come from the database: whatever their shape, they are written, not a traceback."""
    text = labels.describe(FR, {"x": value, "changes": {"y": value}}, action)
    assert isinstance(text, str)
    assert isinstance(labels.describe(EN, value if isinstance(value, dict) else {"v": value}, action), str)


def test_a_field_error_names_the_field_in_words_or_not_at_all(monkeypatch):
    """"reference : ..." was the code's own name of the field."""
    from dashboard import ui
    from dashboard.validation import problem

    shown = []
    monkeypatch.setattr(ui.st, "error", shown.append)
    monkeypatch.setattr(ui, "tr", lambda: FR)
    ui.show_error(problem("reference", "evidence.verify.reference_format"))
    ui.show_error(problem("some_internal_name", "evidence.verify.reference_format"))
    assert "**Référence** :" in shown[0] and "reference :" not in shown[0]
    assert "some_internal_name" not in shown[1] and "some internal" not in shown[1]


def test_a_case_page_names_its_documents_by_kind_and_phase_not_by_case():
    from dashboard.evidence_ui import document_heading

    assert document_heading("Accusé de réception — DSR-2026-0004", "DSR-2026-0004") == "Accusé de réception"
    assert document_heading("Notification complémentaire n° 2 d'une violation de données personnelles — "
                            "VIO-2026-0003", "VIO-2026-0003") == \
        "Notification complémentaire n° 2 d'une violation de données personnelles"
    assert document_heading("Registre des violations", "") == "Registre des violations"
