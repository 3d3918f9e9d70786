"""DPIA test fixtures: the demo organisation with its register of processing activities,
and a small factory filling a DPIA through the use cases."""

from datetime import date, timedelta

import pytest

from dashboard.demo import activities as demo_activities
from dashboard.dpia import cases, content, decision
from models.clock import paris_today
from models.dpia_rules import TEXT_ITEMS
from tests.conftest import Org


@pytest.fixture
def reg(org) -> Org:
    """The demo organisation and its processing activities (no DPIA yet)."""
    with org.work() as session:
        demo_activities.seed(session)
    return org


def activity(org: Org, key: str) -> int:
    with org.session() as session:
        return demo_activities.activity_id(session, key)


def new_dpia(org: Org, key: str = "ai_personalisation", actor=None, title: str = "AIPD de test"):
    with org.work() as session:
        return cases.create_dpia(session, actor or org.legal, {"activity_id": activity(org, key), "title": title})


def run(org: Org, fn, *args, actor=None):
    with org.work() as session:
        return fn(session, actor or org.legal, *args)


def fill(org: Org, view, evaluation: str = "acceptable", actor=None):
    """Answer and evaluate every context and principle item."""
    for item in TEXT_ITEMS:
        view = run(org, content.save_item, view.id, view.version, item.reference, {
            "answers": {q: f"Réponse {q} — Dupont & <Fils>" for q in item.questions},
            "evaluations": {r: {"status": evaluation, "comment": f"Commentaire {r}"}
                            for r in item.evaluation_references()}}, actor=actor)
    return view


def place_risks(org: Org, view, before=(3, 2), after=(2, 1), actor=None):
    for risk in view.active_risks:
        view = run(org, content.save_risk, view.id, view.version, risk.id, {
            "title": risk.title, "impacts": ["Atteinte à la réputation"], "threats": ["Vol de poste"], "sources": ["Attaquant"],
            "severity_before": before[0], "likelihood_before": before[1],
            "severity_after": after[0], "likelihood_after": after[1], "evaluation": "acceptable"}, actor=actor)
    return view


def add_action(org: Org, view, title: str, due: date, status: str = "planned", actor=None):
    return run(org, content.save_measure, view.id, view.version, None,
               {"title": title, "status": status, "owner": "DSI", "due_date": due}, actor=actor)


def ready_for_decision(org: Org, view):
    view = place_risks(org, fill(org, view))
    view = run(org, decision.give_dpo_opinion, view.id, view.version,
               {"dpo_name": "Claire Fontaine", "favourable": True, "opinion": "Avis favorable sans réserve."},
               actor=org.dpo)
    return run(org, decision.record_people_views, view.id, view.version,
               {"sought": False, "not_sought_reason": "Traitement interne, représentants informés."})


def validated(org: Org, view, decided_on: date | None = None):
    view = ready_for_decision(org, view)
    return run(org, decision.validate_dpia, view.id, view.version,
               {"decision_by": "Direction générale", "decided_on": decided_on or paris_today()})


def yesterday() -> date:
    return paris_today() - timedelta(days=1)


