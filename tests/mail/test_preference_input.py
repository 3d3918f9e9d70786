"""Hostile input to the preference form's use case (hypothesis), on SQLite and PostgreSQL:
accepted or refused with a message key, never an unhandled error, and a refusal writes nothing."""

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import select

from dashboard.mail import preferences
from dashboard.validation import InvalidInput
from models import mail
from models.mail import MailPreference

HOSTILE = st.one_of(st.sampled_from(mail.EVENTS), st.text(max_size=50),
                    st.sampled_from(["\x00", "x" * 20_000, "**digest**", "<b>digest</b>", "=1+1", "digest,dpia"]))


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(enabled=st.one_of(st.lists(HOSTILE, max_size=8), st.text(max_size=20), st.none(), st.integers()),
       language=st.one_of(st.sampled_from(["fr", "en"]), st.text(max_size=5), st.none()))
def test_preferences_accept_or_refuse_never_crash(org, enabled, language):
    stored = select(MailPreference).order_by(MailPreference.id)  # read twice, compared in order
    with org.session() as session:
        before = [(r.disabled_events, r.language) for r in session.exec(stored)]
    try:
        with org.work() as session:
            saved = preferences.save_preferences(session, org.head_hr, {"enabled": enabled, "language": language})
    except InvalidInput as refused:
        assert refused.problems and all(p.key for p in refused.problems)
        with org.session() as session:
            assert [(r.disabled_events, r.language) for r in session.exec(stored)] == before
    else:
        assert saved.enabled <= set(saved.offered) and saved.language in ("fr", "en")
        assert set(enabled) <= set(mail.EVENTS)
