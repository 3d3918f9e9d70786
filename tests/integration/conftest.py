import pytest

from dashboard import demo
from tests.conftest import build_org


@pytest.fixture
def demo_org(engine):
    """The whole demo data set: every case type, as `manage.py demo` builds it."""
    org = build_org(engine)
    with org.work() as session:
        demo.seed(session)
    return org
