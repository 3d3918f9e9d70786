"""Hostile PIA files: refused before parsing with a message, never half-written; the
importer fuzzed (hypothesis) from the CNIL software's own example, on SQLite and
PostgreSQL (the `org` fixture runs on both)."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from exports.pia_json import MAX_ITEMS, PiaFileError, import_pia
from tests.inputs import fuzz_cases

EXAMPLE = Path(__file__).parent / "data" / "lincnil_pia_example.json"


def _example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _refused(data: bytes) -> tuple[str, dict]:
    with pytest.raises(PiaFileError) as refused:
        import_pia(data)
    return refused.value.key, refused.value.params


def test_too_many_comments_are_refused_before_reading_them():
    data = _example()
    data["comments"] = [{"reference_to": 111, "description": "x"}] * (MAX_ITEMS["comments"] + 1)
    assert _refused(json.dumps(data).encode()) == ("dpia.import.too_many", {"field": "comments",
                                                                           "max": MAX_ITEMS["comments"]})


@pytest.mark.parametrize(("mutate", "key", "field"), [
    (lambda d: d.update(comments={"111": "x"}), "dpia.import.bad_field", "comments"),
    (lambda d: d["comments"][0].update(for_measure="oui"), "dpia.import.bad_field", "comments[0].for_measure"),
    (lambda d: d["comments"][0].update(reference_to={"id": 1}), "dpia.import.bad_field",
     "comments[0].reference_to"),
    (lambda d: d["comments"][0].update(description=["a"]), "dpia.import.bad_field", "comments[0].description"),
    (lambda d: d["comments"][0].update(description="x" * 20001), "dpia.import.too_long",
     "comments[0].description"),
    (lambda d: d["comments"][0].update(created_at="hier"), "dpia.import.bad_date", "comments[0].created_at"),
    (lambda d: d["evaluations"][2].update(action_plan_comment=7), "dpia.import.bad_field",
     "evaluations[2].action_plan_comment"),
    (lambda d: d["evaluations"][2].update(evaluation_date="0001-01-01T00:00:00Z"),
     "dpia.import.date_out_of_range", "evaluations[2].evaluation_date"),
    (lambda d: d["pia"].update(rejection_reason={"a": 1}), "dpia.import.bad_field", "pia.rejection_reason"),
    (lambda d: d["pia"].update(evaluator_name="\x00"), "dpia.import.nul_character_in", "pia.evaluator_name"),
    (lambda d: d["pia"].update(category="c" * 201), "dpia.import.too_long", "pia.category"),
])
def test_a_wrong_type_or_value_is_refused_with_the_field(mutate, key, field):
    data = _example()
    mutate(data)
    found_key, params = _refused(json.dumps(data).encode())
    assert (found_key, params.get("field")) == (key, field)


def test_depth_and_size_are_refused_before_parsing():
    assert _refused(b'{"pia": {"name": "x"}, "comments": ' + b"[" * 100 + b"]" * 100 + b"}")[0] == "dpia.import.too_deep"
    assert _refused(b" " * (5 * 1024 * 1024 + 1))[0] == "dpia.import.too_large"


def test_the_importer_never_fails_unhandled_nor_writes_half(org):
    fuzz_cases.prepare(org)
    prober = fuzz_cases.Prober(org.engine)

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=fuzz_cases.pia_files(EXAMPLE))
    def check(data):
        outcome = prober.attempt(fuzz_cases.import_pia(org, data))
        assert outcome.kind in ("accepted", "refused"), outcome

    check()
