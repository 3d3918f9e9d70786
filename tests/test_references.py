from datetime import datetime, timezone

from dashboard import db
from dashboard.references import next_reference


def test_references_count_per_prefix_and_year(engine):
    with db.unit_of_work(engine) as session:
        refs = [next_reference(session, "DSR", datetime(2026, 3, 1, tzinfo=timezone.utc)) for _ in range(3)]
        other = next_reference(session, "BRE", datetime(2026, 3, 1, tzinfo=timezone.utc))
        next_year = next_reference(session, "DSR", datetime(2027, 1, 2, tzinfo=timezone.utc))
    assert refs == ["DSR-2026-0001", "DSR-2026-0002", "DSR-2026-0003"]
    assert other == "BRE-2026-0001"
    assert next_year == "DSR-2027-0001"


def test_the_year_is_paris_time(engine):
    # 31 December 23:30 UTC is already 1 January in Paris.
    with db.unit_of_work(engine) as session:
        assert next_reference(session, "DSR", datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == "DSR-2027-0001"
