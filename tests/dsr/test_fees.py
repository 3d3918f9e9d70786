"""A reasonable fee on a request (Arts. 12(5)(a) and 15(3)), through the use cases on SQLite
and PostgreSQL: what a fee needs, that it stops no clock, that a request is not closed while a
fee awaits the person's answer, a withdrawal declines it, and who may record it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from sqlmodel import select

from dashboard.dsr import fees, workflow
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.i18n import Translator, labels
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.dsr import DataSubjectRequest
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from tests.dsr.conftest import make_request, paris_noon

COPY = {"basis": "further_copy", "amount": "12.50", "notified_on": None,
        "cost_basis": "Une heure d'extraction et d'envoi sécurisé : 12,50 €."}
EXCESSIVE = {**COPY, "basis": "excessive", "amount": "40",
             "reasons": "Sixième demande d'accès identique en quatre mois, chacune déjà satisfaite."}


def _fee(data, **changes):
    return {**data, "notified_on": paris_today(), **changes}


def _request(org, request_id) -> DataSubjectRequest:
    with org.session() as session:
        return session.get(DataSubjectRequest, request_id)


def _fees(org, request_id) -> list[DsrFee]:
    with org.session() as session:
        return list(session.exec(select(DsrFee).where(DsrFee.request_id == request_id).order_by(DsrFee.id)))


def _entries(org, request_id) -> list[AuditEntry]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.object_type == "dsr_request",
                                                          AuditEntry.object_id == request_id)
                                 .order_by(AuditEntry.seq)))


def test_a_fee_for_a_further_copy_is_recorded_and_stops_no_clock(org):
    request = make_request(org, received_at=paris_noon(paris_today() - timedelta(days=12)))
    before = _request(org, request.id)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, before.version, _fee(COPY))
    after = _request(org, request.id)
    assert (after.due_on, after.suspended_since, after.status) == (before.due_on, None, before.status)
    assert after.version == before.version + 1  # a second user's stale form is refused
    [fee] = _fees(org, request.id)
    assert (fee.basis, fee.amount_cents, fee.state, fee.notified_on, fee.recorded_by_id) == (
        "further_copy", 1250, "notified", paris_today(), org.dpo.user_id)
    entry = _entries(org, request.id)[-1]
    assert entry.action == "dsr.fee.notify"
    assert entry.details == {"fee_basis": "further_copy", "amount_cents": 1250,
                             "notified_on": paris_today().isoformat()}
    assert labels.describe(Translator("fr"), entry.details, entry.action).startswith(
        "Fondement des frais : Copie supplémentaire (art. 15.3) · Montant (€) : 12,50 · ")


def test_a_fee_for_copies_needs_an_access_request(org):
    request = make_request(org, rights=["erasure"])
    with pytest.raises(RuleViolation) as error, org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(COPY))
    assert error.value.key == "dsr.error.fee_copy_needs_access"
    assert _fees(org, request.id) == [] and _request(org, request.id).version == 1


@pytest.mark.parametrize("basis", ["excessive", "manifestly_unfounded"])
def test_a_fee_under_article_12_5_needs_its_justification(org, basis):
    request = make_request(org)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(EXCESSIVE, basis=basis, reasons="  répétée "))
    assert error.value.key == f"dsr.error.fee_reasons_required.{basis}"
    assert "12.5" in Translator("fr").error(error.value) and "12(5)" in Translator("en").error(error.value)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(EXCESSIVE, basis=basis))
    assert [f.reasons for f in _fees(org, request.id)] == [EXCESSIVE["reasons"]]


@pytest.mark.parametrize("change, field, key", [
    ({"amount": "0"}, "dsr_amount", "validation.greater_than"),
    ({"amount": "-5"}, "dsr_amount", "validation.greater_than"),
    ({"amount": "1000.01"}, "dsr_amount", "validation.less_than_equal"),
    ({"amount": "12.345"}, "dsr_amount", "validation.decimal_places"),
    ({"amount": "NaN"}, "dsr_amount", "validation.number"),
    ({"amount": "=1+1"}, "dsr_amount", "validation.number"),
    ({"amount": None}, "dsr_amount", "validation.number"),
    ({"cost_basis": "court"}, "dsr_cost_basis", "validation.too_short"),
    ({"cost_basis": " " * 12 + "\n"}, "dsr_cost_basis", "validation.too_short"),
    ({"cost_basis": "x" * 2001}, "dsr_cost_basis", "validation.too_long"),
    ({"cost_basis": "Deux heures\x00 de travail"}, "dsr_cost_basis", "validation.nul_character"),
    ({"basis": "convenience"}, "dsr_basis", "validation.choice"),
])
def test_bad_fee_input_names_the_field_and_changes_nothing(org, change, field, key):
    request = make_request(org)
    with pytest.raises(InvalidInput) as error, org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(COPY, **change))
    assert [(p.field, p.key) for p in error.value.problems] == [(field, key)]
    message = Translator("fr").message(key, error.value.problems[0].params)
    assert "{" not in message  # every bound in the message is filled in
    assert _fees(org, request.id) == [] and _request(org, request.id).version == 1


def test_a_fee_notified_before_the_request_arrived_or_tomorrow_is_refused(org):
    request = make_request(org, received_at=paris_noon(paris_today() - timedelta(days=3)))
    for day, key in ((paris_today() - timedelta(days=4), "dsr.error.date_before_receipt"),
                     (paris_today() + timedelta(days=1), "dsr.error.date_in_future")):
        with pytest.raises(InvalidInput) as error, org.work() as session:
            fees.notify(session, org.dpo, request.id, 1, _fee(COPY, notified_on=day))
        assert error.value.problems[0].key == key
    assert _fees(org, request.id) == []


def test_one_fee_at_a_time_and_no_closing_while_it_awaits_the_answer(org):
    request = make_request(org)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(COPY))
    version = _request(org, request.id).version
    with pytest.raises(RuleViolation) as error, org.work() as session:
        fees.notify(session, org.legal, request.id, version, _fee(EXCESSIVE))
    assert error.value.key == "dsr.error.fee_pending"
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.close(session, org.dpo, request.id, version, {"outcome": "granted", "answered_on": paris_today()})
    assert error.value.key == "dsr.error.fee_pending_on_close"
    assert paris_today().strftime("%d/%m/%Y") in Translator("fr").error(error.value)
    assert _request(org, request.id).status == "received"
    with org.work() as session:
        fees.settle(session, org.dpo, request.id, version, {"state": "paid", "settled_on": paris_today(),
                                                             "note": "Virement reçu."})
    version = _request(org, request.id).version
    with org.work() as session:
        workflow.close(session, org.dpo, request.id, version, {"outcome": "granted", "answered_on": paris_today()})
    [fee] = _fees(org, request.id)
    assert (fee.state, fee.settled_on, fee.settled_note) == ("paid", paris_today(), "Virement reçu.")
    assert _request(org, request.id).status == "closed"
    assert [e.action for e in _entries(org, request.id)][-2:] == ["dsr.fee.settle", "dsr.close"]
    with pytest.raises(RuleViolation) as error, org.work() as session:  # closed: no fee any more
        fees.notify(session, org.dpo, request.id, _request(org, request.id).version, _fee(COPY))
    assert error.value.key == "dsr.error.closed"


def test_a_fee_declined_then_the_request_refused_as_excessive(org):
    request = make_request(org, received_at=paris_noon(paris_today() - timedelta(days=6)))
    notified = paris_today() - timedelta(days=4)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(EXCESSIVE, notified_on=notified))
    version = _request(org, request.id).version
    with pytest.raises(InvalidInput) as error, org.work() as session:
        fees.settle(session, org.dpo, request.id, version, {"state": "declined",
                                                             "settled_on": notified - timedelta(days=1)})
    assert error.value.problems[0].key == "dsr.error.fee_settled_before_notice"
    with org.work() as session:
        fees.settle(session, org.dpo, request.id, version, {"state": "declined", "settled_on": paris_today()})
    with pytest.raises(RuleViolation) as error, org.work() as session:  # nothing awaits any more
        fees.settle(session, org.dpo, request.id, version + 1, {"state": "paid", "settled_on": paris_today()})
    assert error.value.key == "dsr.error.no_pending_fee"
    with org.work() as session:
        workflow.close(session, org.dpo, request.id, version + 1, {
            "outcome": "excessive", "reasons": EXCESSIVE["reasons"], "remedies_informed": True,
            "answered_on": paris_today()})
    assert (_request(org, request.id).outcome, _fees(org, request.id)[0].state) == ("excessive", "declined")


def test_a_withdrawal_declines_the_fee_that_awaited_an_answer(org):
    request = make_request(org)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(COPY))
    with org.work() as session:
        workflow.withdraw(session, org.legal, request.id, 2, {"withdrawn_on": paris_today()})
    [fee] = _fees(org, request.id)
    assert (fee.state, fee.settled_on) == ("declined", paris_today())
    stored = _request(org, request.id)
    assert (stored.status, stored.version) == ("withdrawn", 3)  # one version step for the withdrawal
    settle = [e for e in _entries(org, request.id) if e.action == "dsr.fee.settle"]
    assert [e.details["fee_state"] for e in settle] == [["notified", "declined"]]


def test_heads_and_auditors_cannot_record_a_fee_and_the_attempt_is_logged(routed_org):
    org = routed_org
    request = make_request(org, relation="staff", requester_name="Thomas Roux")  # routed to HR
    for actor in (org.head_hr, org.auditor):
        with pytest.raises(NotAllowed), org.work() as session:
            fees.notify(session, actor, request.id, 1, _fee(COPY))
    assert _fees(org, request.id) == []
    with org.session() as session:
        refused = session.exec(select(AuditEntry.actor_id, AuditEntry.details).where(
            AuditEntry.action == "access.denied", AuditEntry.object_id == request.id)).all()
    assert sorted(actor for actor, details in refused if details["attempted"] == "dsr.fee.notify") == sorted(
        [org.head_hr.user_id, org.auditor.user_id])


def test_a_stale_form_is_refused_and_the_first_fee_kept(org):
    request = make_request(org)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, _fee(COPY))
    with pytest.raises(ConcurrentEdit), org.work() as session:  # the lawyer saw version 1
        fees.notify(session, org.legal, request.id, 1, _fee(EXCESSIVE))
    assert [(f.basis, f.amount_cents) for f in _fees(org, request.id)] == [("further_copy", 1250)]


AMOUNTS = st.one_of(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2),  # valid
                    st.decimals(allow_nan=True, allow_infinity=True), st.floats(), st.integers(),
                    st.text(max_size=30), st.none())
TEXTS = st.text(min_size=10, max_size=300) | st.text(max_size=3000) | st.sampled_from(
    ["x" * 20_000, "=HYPERLINK(\"http://x\", \"cliquez\") - coût", "<b>**gras**</b> <script>alert(1)</script>"])


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(amount=AMOUNTS, cost_basis=TEXTS, reasons=TEXTS)
@example(amount=Decimal("1000.00"), cost_basis="  =SOMME(A1:A9) heures à 20 €  ", reasons="x" * 10_000)  # kept
@example(amount="12,50", cost_basis="Deux heures.", reasons=EXCESSIVE["reasons"])  # a French comma: refused
def test_any_fee_input_is_kept_exactly_or_refused_in_words_and_nothing_written(org, amount, cost_basis, reasons):
    """On both databases: whatever is typed, the fee is stored as validated, amounts to the cent
    within its bounds, or refused with a catalogue message and nothing written."""
    request = make_request(org)
    try:
        with org.work() as session:
            fees.notify(session, org.dpo, request.id, 1, _fee(EXCESSIVE, amount=amount, cost_basis=cost_basis,
                                                               reasons=reasons))
    except (InvalidInput, RuleViolation) as error:
        keys = [p.key for p in error.problems] if isinstance(error, InvalidInput) else [error.key]
        assert keys and all(Translator("fr")(k) != k for k in keys)
        assert _fees(org, request.id) == [] and _request(org, request.id).version == 1
        return
    [fee] = _fees(org, request.id)
    assert 0 < fee.amount_cents <= 100_000 and fee.amount_cents == Decimal(str(amount).strip()) * 100
    validated = fees.FeeNotice.model_validate(_fee(EXCESSIVE, amount=amount, cost_basis=cost_basis, reasons=reasons))
    assert (fee.cost_basis, fee.reasons) == (validated.cost_basis, validated.reasons)  # as validated, trimmed

