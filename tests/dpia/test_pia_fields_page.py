"""The DPIA page shows what came from the CNIL's PIA software (evaluator, rejection
reason, action plans, measure evaluations, comments), literally (AppTest, real entry script)."""

import json
from pathlib import Path

from dashboard.demo import activities as demo_activities
from dashboard.dpia import documents
from tests.page_support import app_as, page_path

EXAMPLE = Path(__file__).parent / "data" / "lincnil_pia_example.json"


def test_the_detail_page_shows_the_pia_software_fields(demo_db):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["pia"]["rejection_reason"] = "Rapport **incomplet** <b>x</b>"  # markdown and HTML shown as written
    with demo_db.work() as session:
        activity = demo_activities.activity_id(session, "it_logs")
        dpia = documents.import_json(session, demo_db.dpo, activity, json.dumps(data).encode()).dpia
    at = app_as(demo_db, "dpo")
    at.query_params["id"] = str(dpia.id)
    at.switch_page(page_path("dpia_detail.py")).run()
    assert not at.exception and not at.error
    texts = " ".join(m.value for m in at.markdown)
    assert "Évaluateur : Eric Vincent" in texts
    assert "Motif du refus" in texts and "\\*\\*incomplet\\*\\*" in texts
    assert "Plan d'action (2.1.211)" in texts and "Afin d'éviter un usage incompatible" in texts
    assert "Commentaire (212)" in texts and "Le fondement juridique" in texts
