"""Log-in throttling: after repeated failures a user name is locked for a while."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.org import LoginThrottle


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


def is_locked(throttle: LoginThrottle | None, now: datetime) -> bool:
    return bool(throttle and throttle.locked_until and throttle.locked_until > now)


def register_failure(throttle: LoginThrottle, now: datetime, policy: LockoutPolicy) -> None:
    """Count a failure; failures older than the window start a new count."""
    if throttle.first_failure_at is None or now - throttle.first_failure_at > policy.window:
        throttle.failures = 0
        throttle.first_failure_at = now
    throttle.failures += 1
    if throttle.failures >= policy.max_failures:
        throttle.locked_until = now + policy.lock_for
        throttle.failures = 0
        throttle.first_failure_at = None


def register_success(throttle: LoginThrottle) -> None:
    throttle.failures = 0
    throttle.first_failure_at = None
    throttle.locked_until = None
