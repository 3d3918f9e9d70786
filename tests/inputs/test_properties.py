"""Property-based tests (hypothesis), quick profile: every form's input model, every
creation form's use case and every import, on SQLite and PostgreSQL. Whatever is typed
or uploaded is accepted or refused with a message in the user's language — never an
unhandled error — and a refusal writes nothing (issue 13, item 9). The long run with its
figures is benchmarks/fuzz_inputs.py."""

from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard.validation import InvalidInput, limit_problems, validate
from tests.inputs import fuzz_cases

QUICK = settings(max_examples=20, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large])
MODELS = fuzz_cases.form_models()


def test_every_form_model_is_covered():
    names = {m.__name__ for m in MODELS}
    assert {"RequestCreate", "BreachFacts", "ContractData", "ActivityContent", "DpiaCreate", "UserCreate",
            "EntityData", "MeasureInput", "NotificationInput"} <= names
    assert len(MODELS) >= 40


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_form_model_accepts_or_refuses_in_the_users_language(data):
    model = data.draw(st.sampled_from(MODELS), label="model")
    generated = data.draw(fuzz_cases.model_data(model), label="input")
    try:
        result = validate(model, generated)
    except InvalidInput as refused:
        assert refused.problems and all(p.key for p in refused.problems)
    else:
        assert limit_problems(result) == []  # nothing a database could not hold gets through


def test_every_creation_form_on_the_database_never_fails_unhandled_nor_writes_half(org):
    """One organisation per database for every form (its set-up is most of the cost)."""
    fuzz_cases.prepare(org)
    prober = fuzz_cases.Prober(org.engine)
    for case in fuzz_cases.form_cases():

        @QUICK
        @given(changes=fuzz_cases.overrides(case.model))
        def check(changes):
            data = {**case.base(org), **changes}
            outcome = prober.attempt(lambda session: case.run(session, org, data))
            assert outcome.kind in ("accepted", "refused"), (case.name, outcome, data)

        check()


def test_every_import_never_fails_unhandled_nor_writes_half(org):
    fuzz_cases.prepare(org)
    table = fuzz_cases.register_table(org)
    prober = fuzz_cases.Prober(org.engine)

    @QUICK
    @given(file=fuzz_cases.register_files(table))
    def register_import(file):
        outcome = prober.attempt(fuzz_cases.import_register(org, *file))
        assert outcome.kind in ("accepted", "refused"), outcome

    @QUICK
    @given(data=fuzz_cases.pia_files())
    def pia_import(data):
        outcome = prober.attempt(fuzz_cases.import_pia(org, data))
        assert outcome.kind in ("accepted", "refused"), outcome

    register_import()
    pia_import()
