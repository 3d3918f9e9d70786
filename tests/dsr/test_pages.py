"""The request pages with AppTest: each role gets its view, a forged id in the URL
gets nothing but a logged refusal, and a stated reason comes before personal data."""

from datetime import timedelta

from sqlmodel import select

from dashboard.demo import dsr as demo_dsr
from models.audit import AuditEntry
from models.dsr import DataSubjectRequest
from models.dsr_fee import DsrFee
from models.evidence import EvidenceDocument
from tests.page_support import app_as, form_key, page_path
from tests.dsr.conftest import make_request


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _shown(at) -> str:
    """Every text the main area shows (markdown, text, text areas, captions)."""
    return " ".join([m.value for m in at.main.markdown] + [t.value for t in at.main.text]
                    + [a.value for a in at.main.text_area] + [c.value for c in at.main.caption])


def _page(org, username, file, **query):
    """A page opened through the real navigation, as the signed-in user."""
    at = app_as(org, username)
    at.query_params.update(query)
    return at.switch_page(page_path(file)).run()


def _case(org, username, request_id):
    return _page(org, username, "dsr_case.py", id=str(request_id))


def test_list_page_for_each_role(app_org):
    with app_org.work() as session:
        demo_dsr.seed_routing(session)
    make_request(app_org)  # a Customer Relations request
    for username, rows in (("dpo", 1), ("chef.rh", 0), ("auditeur", 1)):
        at = _page(app_org, username, "dsr_requests.py")
        assert not at.exception and not _errors(at), username
        tables = [df.value for df in at.dataframe]
        assert (len(tables[0]) if tables else 0) == rows, username


def test_a_head_forging_the_url_of_another_departments_request_gets_a_logged_refusal(app_org):
    with app_org.work() as session:
        demo_dsr.seed_routing(session)
    request = make_request(app_org)
    at = _case(app_org, "chef.rh", request.id)
    assert _errors(at) == ["Accès refusé : cet élément n'existe pas ou vous n'êtes pas autorisé(e) à y accéder. "
                           "La tentative a été journalisée."]
    assert "Jeanne" not in _shown(at)
    with app_org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert [(d.actor_name, d.object_id) for d in denied] == [("chef.rh", request.id)]


def test_a_non_assignee_states_a_reason_before_seeing_personal_data(app_org):
    request = make_request(app_org)
    at = _case(app_org, "juriste", request.id)
    assert not at.exception and "Jeanne Morel" not in _shown(at)
    at.text_input(key="dsr_reason_input").input("Relecture du projet de réponse")
    at.button(key="FormSubmitter:dsr_reason-Afficher le dossier").click().run()
    assert not at.exception and "Jeanne Morel" in _shown(at)
    at.run()  # a rerun displays again without asking, and is not a new read (one entry per opening)
    with app_org.session() as session:
        views = session.exec(select(AuditEntry).where(AuditEntry.action == "personal_data.view")).all()
    assert [v.reason for v in views] == ["Relecture du projet de réponse"]


def test_the_owner_works_the_request_from_the_page(app_org):
    request = make_request(app_org)
    at = _case(app_org, "dpo", request.id)
    assert not at.exception and "Jeanne Morel" in _shown(at)
    at.button(key=form_key(at, "dsr/start")).click().run()
    assert not at.exception
    with app_org.session() as session:
        assert session.get(DataSubjectRequest, request.id).status == "in_progress"


def test_the_dpo_records_a_fee_and_cannot_close_until_it_ends(app_org):
    """The fee form on the Steps tab: a bad amount is refused in words, a good one awaits the
    person's answer, closing is refused meanwhile, and recording the payment lets it close."""
    request = make_request(app_org)
    at = _case(app_org, "dpo", request.id)
    fee_form = f"FormSubmitter:{form_key(at, 'dsr/fee')}-Enregistrer les frais notifiés"
    at.selectbox(key=form_key(at, "dsr/fee_basis")).set_value("further_copy")
    at.text_area(key=form_key(at, "dsr/fee_cost_basis")).input("Une heure d'extraction et d'envoi : 12,50 €.")
    at.button(key=fee_form).click().run()  # no amount typed
    assert not at.exception and any("Montant (€)" in e and "nombre attendu" in e for e in _errors(at))
    with app_org.session() as session:
        assert session.exec(select(DsrFee)).all() == []
    at.number_input(key=form_key(at, "dsr/fee_amount")).set_value(12.5)
    at.button(key=fee_form).click().run()
    assert not at.exception and not _errors(at)
    assert any("Frais de 12,50 € notifiés" in w.value for w in at.warning)
    assert any("Copie supplémentaire (art. 15.3)" in str(df.value) for df in at.dataframe)

    close = form_key(at, "dsr/close")
    at.selectbox(key=form_key(at, "dsr/close_outcome")).set_value("granted")
    at.button(key=f"FormSubmitter:{close}-Clôturer la demande").click().run()
    assert any("attendent la réponse de la personne" in e for e in _errors(at))
    with app_org.session() as session:
        assert session.get(DataSubjectRequest, request.id).status == "received"

    at.radio(key=form_key(at, "dsr/fee_state")).set_value("paid")
    at.button(key=f"FormSubmitter:{form_key(at, 'dsr/fee_settle')}-Enregistrer l'issue des frais").click().run()
    assert not at.exception and not _errors(at)
    assert not any("notifiés le" in w.value for w in at.warning)
    assert any("Payés" in str(df.value) for df in at.dataframe)
    at.button(key=form_key(at, "dsr/issue_fee")).click().run()  # the Documents tab: the fee letter
    assert not at.exception and not _errors(at)
    with app_org.session() as session:
        issued = session.exec(select(EvidenceDocument.kind).where(EvidenceDocument.case_id == request.id)).all()
    assert "dsr.fee_notice" in issued


def _closing(at, outcome: str, reasons: str = "") -> None:
    at.selectbox(key=form_key(at, "dsr/close_outcome")).set_value(outcome)
    if reasons:
        close_form = form_key(at, "dsr/close")
        next(a for a in at.text_area if a.form_id == close_form).input(reasons)
    at.button(key=f"FormSubmitter:{form_key(at, 'dsr/close')}-Clôturer la demande").click().run()


def test_a_decision_made_meanwhile_refuses_the_second_in_words_not_in_silence(app_org):
    """Two people at once on the Steps tab: the DPO closes the request while the lawyer, who opened
    it before, closes it too. The lawyer's form, drawn from what the lawyer saw, still reaches its
    use case, which refuses it naming the DPO; the lawyer's reasons stay on screen."""
    request = make_request(app_org)
    dpo = _case(app_org, "dpo", request.id)
    lawyer = _case(app_org, "juriste", request.id)
    lawyer.text_input(key="dsr_reason_input").input("Relecture de la décision")
    lawyer.button(key="FormSubmitter:dsr_reason-Afficher le dossier").click().run()
    _closing(dpo, "granted")
    assert not _errors(dpo)
    _closing(lawyer, "refused", "Données couvertes par le secret des affaires.")
    assert any("dpo a modifié ce dossier" in e for e in _errors(lawyer)), _errors(lawyer)
    assert "Données couvertes par le secret des affaires." in [a.value for a in lawyer.text_area]
    with app_org.session() as session:
        stored = session.get(DataSubjectRequest, request.id)
    assert (stored.status, stored.outcome) == ("closed", "granted")


def test_a_slow_dpo_keeps_the_day_the_fee_form_opened(app_org, monkeypatch):
    """The fee form's "told on" day is fixed when the form opens: past midnight, a rerun does not
    move it, and the fee is stored with the day shown. Found by its form and label, not its key:
    an unkeyed widget whose default is computed again would be a new, blank widget."""
    from models import clock

    def told_on(at):
        return next(d for d in at.date_input if d.form_id == form_key(at, "dsr/fee") and d.label == "Informée le")

    request = make_request(app_org)
    opened_on = clock.paris_today()
    at = _case(app_org, "dpo", request.id)
    assert told_on(at).value == opened_on
    monkeypatch.setattr(clock, "paris_today", lambda now=None: opened_on + timedelta(days=1))  # midnight passed
    at.run()  # a rerun the next day (another click, minutes of thinking)
    assert told_on(at).value == opened_on
    at.number_input(key=form_key(at, "dsr/fee_amount")).set_value(8.4)
    at.text_area(key=form_key(at, "dsr/fee_cost_basis")).input("Impression de 84 pages et envoi recommandé.")
    at.button(key=f"FormSubmitter:{form_key(at, 'dsr/fee')}-Enregistrer les frais notifiés").click().run()
    assert not at.exception and not _errors(at)
    with app_org.session() as session:
        assert session.exec(select(DsrFee.notified_on)).one() == opened_on
