"""The CNIL PIA software's JSON, read and written without a database."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from exports.pia_json import EXTENSION, PiaFileError, export_pia, html_to_text, import_pia, text_to_html
from models.dpia_snapshot import DpiaContent, EvaluationView, MeasureView, RiskView

CNIL_FILE = Path(__file__).parent / "data" / "cnil_pia_export.json"


def _content(**overrides) -> DpiaContent:
    values = dict(
        title="Personnalisation par IA", status="validated", author_name="Julien Mercier",
        answers={111: "Moteur de recommandation.\n\nDeux paragraphes & des <balises>.", 215: "Durée du compte."},
        evaluations={"1.1": EvaluationView("acceptable", "Clair."), "2.1.215": EvaluationView("improvable", "")},
        measures=(MeasureView(id=10, title="Chiffrement", description="AES-256", status="existing"),
                  MeasureView(id=11, title="Audit de biais", description="Avant la rentrée", status="in_progress",
                              owner="Équipe data", due_date=date(2026, 9, 1)),
                  MeasureView(id=12, title="Notice mineurs", status="done", owner="Pédagogie",
                              due_date=date(2026, 5, 1), done_on=date(2026, 4, 20))),
        risks=(RiskView(id=1, kind="illegitimate_access", impacts=("Stigmatisation",), threats=("Vol",),
                        sources=("Attaquant",), measure_ids=(10, 11), severity_before=3, likelihood_before=3,
                        severity_note="Mineurs.", likelihood_note="Accès larges.", severity_after=3,
                        likelihood_after=1, evaluation="acceptable", evaluation_comment="OK"),
               RiskView(id=2, kind="disappearance", severity_before=2, likelihood_before=1),
               RiskView(id=3, kind="custom", title="Enfermement algorithmique", impacts=("Orientation biaisée",),
                        measure_ids=(11,), severity_before=3, likelihood_before=2, severity_after=2,
                        likelihood_after=2, evaluation="improvable"),
               RiskView(id=4, kind="custom", title="Risque écarté", active=False)),
        dpo_name="Claire Fontaine", dpo_opinion="Favorable sous réserve.", dpo_favourable=True,
        people_sought=True, people_names="Panel d'apprenants", people_opinion="Demandent un interrupteur.",
        people_favourable=True, decision_by="Nadia Rousseau", decision_comment="Autorisé.",
        decided_on=date(2026, 6, 2), review_date=date(2029, 6, 2), cnil_consulted_on=None,
        created_at=datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc),
        updated_at=datetime(2026, 6, 2, 15, 30, tzinfo=timezone.utc))
    values.update(overrides)
    return DpiaContent(**values)


def _comparable(doc: DpiaContent):
    """What must survive the trip: everything but the ids the import renumbers."""
    titles = {m.id: m.title for m in doc.measures}
    measures = [(m.title, m.description, m.status, m.owner, m.due_date, m.done_on) for m in doc.measures]
    risks = [(r.kind, r.title, r.impacts, r.threats, r.sources, tuple(titles[i] for i in r.measure_ids), r.levels(),
              r.severity_note, r.likelihood_note, r.evaluation, r.evaluation_comment, r.active) for r in doc.risks
             if r.kind == "custom" or r.impacts or r.severity_before]
    fields = {name: getattr(doc, name) for name in (
        "title", "status", "author_name", "answers", "evaluations", "dpo_name", "dpo_opinion", "dpo_favourable",
        "people_sought", "people_names", "people_opinion", "people_favourable", "people_not_sought_reason",
        "decision_by", "decision_comment", "decided_on", "review_date", "cnil_consulted_on", "created_at",
        "updated_at")}
    return fields, measures, risks


def test_round_trip_keeps_everything():
    original = _content()
    assert _comparable(import_pia(export_pia(original, pia_id=5, reference="AIPD-2026-0001"))) == _comparable(original)


def test_round_trip_of_a_refused_and_an_archived_dpia():
    for status in ("refused", "archived", "draft"):
        original = _content(status=status, review_date=None if status == "refused" else date(2029, 6, 2))
        assert _comparable(import_pia(export_pia(original, pia_id=5))) == _comparable(original)


def test_export_is_in_the_cnil_software_shape():
    data = json.loads(export_pia(_content(), pia_id=5, reference="AIPD-2026-0001"))
    assert set(data) == {"pia", "answers", "measures", "evaluations", "comments", EXTENSION}
    assert (data["pia"]["status"], data["pia"]["dpo_status"], data["pia"]["concerned_people_status"]) == (3, 1, 1)
    assert data["pia"]["concerned_people_searched_opinion"] is True
    assert data["pia"]["created_at"] == "2026-03-01T09:00:00.000Z"
    answers = {a["reference_to"]: a["data"] for a in data["answers"]}
    assert answers[111]["text"] == "Moteur de recommandation.<br /><br />Deux paragraphes &amp; des &lt;balises&gt;."
    assert answers[321]["list"] == ["Stigmatisation"] and answers[324]["list"] == ["Chiffrement", "Audit de biais"]
    assert (answers[325]["gauge"], answers[326]["gauge"]) == (3, 3)
    evaluations = {e["reference_to"]: e for e in data["evaluations"]}
    assert evaluations["3.2"]["gauges"] == {"x": 3, "y": 1} and evaluations["3.2"]["status"] == 3
    assert evaluations["2.1.215"]["status"] == 2
    action = evaluations["3.1.11"]
    assert (action["person_in_charge"], action["estimated_implementation_date"][:10]) == ("Équipe data", "2026-09-01")
    assert "3.1.10" not in evaluations  # an existing measure is no action
    assert [r["title"] for r in data[EXTENSION]["risks"]] == ["Enfermement algorithmique", "Risque écarté"]


def test_reads_a_file_of_the_cnil_software():
    doc = import_pia(CNIL_FILE.read_bytes())
    assert doc.title == "Vidéoprotection de l'accueil" and doc.author_name == "Paul Girard"
    assert doc.answers[111] == "Caméras filmant l'accueil du siège.\n\n- 4 caméras\n- enregistrement continu"
    assert doc.answers[121] == "Images des visiteurs & des salariés."
    assert doc.answers[211] == "Sécurité des biens et des personnes."  # a reference given as a string
    assert doc.evaluations["2.1.211"] == EvaluationView("improvable", "Préciser les zones filmées.",
                                                        action_plan="Plan des caméras à annexer.")
    access = doc.risks[0]
    assert access.kind == "illegitimate_access" and access.impacts == ("Atteinte à la vie privée",
                                                                       "Surveillance des salariés")
    assert (access.severity_before, access.likelihood_before, access.severity_after, access.likelihood_after) == (
        3, 3, 3, 1)
    assert access.severity_note == "Images de salariés : conséquences importantes."
    assert [doc.measure(i).title for i in access.measure_ids] == ["Contrôle des accès logiques"]  # unknown one listed
    assert doc.ignored == ("answer 324: Mesure inconnue",)
    assert doc.risks[2].levels() == (1, 2, None, None)  # disappearance, without corrective estimate
    purge = doc.measures[1]
    assert (purge.status, purge.owner, purge.due_date, purge.description, purge.action_plan) == (
        "planned", "Service sécurité", date(2025, 12, 1), "", "Paramétrer l'enregistreur.")  # midnight Paris
    assert doc.measures[0].status == "existing"
    assert (doc.status, doc.dpo_favourable, doc.people_sought) == ("validated", True, False)
    assert doc.people_not_sought_reason == "Les représentants du personnel ont été informés en CSE."
    assert (doc.decision_by, doc.decision_comment, doc.decided_on) == (
        "Bernard Lacombe", "Affichage renforcé à l'entrée.", date(2025, 10, 14))


def _broken(mutate) -> bytes:
    data = json.loads(CNIL_FILE.read_text(encoding="utf-8"))
    mutate(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(("raw", "key", "params"), [
    (b"\xff\xfe not utf-8", "dpia.import.not_utf8", {}),
    (b'{"pia": {"name": "x"', "dpia.import.not_json", {"line": 1, "column": 21}),
    (b'[1, 2]', "dpia.import.not_pia", {}),
    (b'{"structures": []}', "dpia.import.not_pia", {}),
    (_broken(lambda d: d["pia"].update(name="  ")), "dpia.import.no_name", {}),
    (_broken(lambda d: d["pia"].update(status=9)), "dpia.import.bad_field", {"field": "pia.status"}),
    (_broken(lambda d: d["pia"].update(dpo_status="yes")), "dpia.import.bad_field", {"field": "pia.dpo_status"}),
    (_broken(lambda d: d.update(answers={"111": "x"})), "dpia.import.bad_field", {"field": "answers"}),
    (_broken(lambda d: d["answers"][7]["data"].update(gauge=7)), "dpia.import.bad_field",
     {"field": "answer 325.gauge"}),
    (_broken(lambda d: d["answers"].pop(8)), "dpia.import.half_placed_risk", {"risk": "A"}),
    (_broken(lambda d: d["evaluations"][3].update(estimated_implementation_date="le 30 novembre")),
     "dpia.import.bad_date", {"field": "evaluations[3].estimated_implementation_date"}),
    (_broken(lambda d: d["measures"][0].update(title="")), "dpia.import.measure_without_title", {"index": 1}),
    (_broken(lambda d: d["answers"][0]["data"].update(text="x" * 20001)), "dpia.import.too_long",
     {"field": "answer 111.text", "max": 20000}),
    (_broken(lambda d: d.update(dpo_desk={"format": 99})), "dpia.import.bad_field", {"field": "dpo_desk.format"}),
    (_broken(lambda d: d.update(dpo_desk={"format": 1, "status": "approved"})), "dpia.import.bad_field",
     {"field": "dpo_desk.status"}),
])
def test_a_malformed_file_is_rejected_with_its_reason(raw, key, params):
    with pytest.raises(PiaFileError) as refused:
        import_pia(raw)
    assert (refused.value.key, refused.value.params) == (key, params)


@pytest.mark.parametrize(("mutate", "ignored"), [
    (lambda d: d["answers"][0].update(reference_to=999), ["answer 999"]),
    (lambda d: d["answers"].append(dict(d["answers"][0])), ["answer 111 (2)"]),
    (lambda d: d["evaluations"][0].update(reference_to="9.9"), ["evaluation 9.9"]),
    (lambda d: d["evaluations"][3].update(reference_to="3.1.77"), ["evaluation 3.1.77"]),
    (lambda d: d.update(comments=[{"reference_to": 77, "for_measure": True, "description": "x"}]),
     ["comment 1 (measure 77)"]),
])
def test_an_item_the_software_would_leave_aside_is_listed_not_refused(mutate, ignored):
    """The CNIL software imports such a file (it stores what it cannot show): so do we,
    listing in the preview what is left aside."""
    assert set(import_pia(_broken(mutate)).ignored) == {*ignored, "answer 324: Mesure inconnue"}


def test_too_large_a_file_is_rejected_before_reading():
    with pytest.raises(PiaFileError) as refused:
        import_pia(b" " * (5 * 1024 * 1024 + 1))
    assert refused.value.key == "dpia.import.too_large"


@pytest.mark.parametrize(("html", "text"), [
    ("", ""), (None, ""), ("Texte simple", "Texte simple"), ("A &amp; B", "A & B"),
    ("Ligne 1<br />Ligne 2", "Ligne 1\nLigne 2"), ("<p>Un</p><p>Deux</p>", "Un\n\nDeux"),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"), ("<div><strong>Gras</strong>&nbsp;!</div>", "Gras !"),
])
def test_rich_text_to_plain_text(html, text):
    assert html_to_text(html) == text


def test_plain_text_survives_the_rich_text_round_trip():
    for text in ("Dupont & <Fils>", "a\nb", "a\n\nb", "« guillemets » œuvre"):
        assert html_to_text(text_to_html(text)) == text
