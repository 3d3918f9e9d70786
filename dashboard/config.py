"""Settings read from the environment (see README, "Configuration")."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("DPO_DATA_DIR", ROOT / "data"))


def database_url() -> str:
    """`DATABASE_URL` if set (e.g. postgresql+psycopg://user@host/db), else a SQLite
    file in the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir() / 'dpo_desk.sqlite3'}"


def _int_setting(name: str, default: int, low: int, high: int) -> int:
    """An integer setting within [low, high]; a bad value is an error naming the variable."""
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be an integer between {low} and {high}, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer between {low} and {high}, not {raw!r}")
    return value


def db_pool_size() -> int:
    """PostgreSQL: connections each engine keeps open (SQLAlchemy pool_size). An app server
    process holds two engines (the pages' and the launcher's routes), a worker one: see
    README, "Deploying on several servers", for the sum against max_connections."""
    return _int_setting("DPO_DB_POOL_SIZE", 5, 1, 100)


def db_max_overflow() -> int:
    """PostgreSQL: connections an engine may open beyond pool_size under a burst, closed after use."""
    return _int_setting("DPO_DB_MAX_OVERFLOW", 10, 0, 200)


def db_pool_timeout() -> int:
    """PostgreSQL: seconds a request waits for a free connection before failing."""
    return _int_setting("DPO_DB_POOL_TIMEOUT", 30, 1, 600)


def session_idle_minutes() -> int:
    return int(os.environ.get("DPO_SESSION_IDLE_MINUTES", "30"))


def session_max_hours() -> float:
    """Absolute lifetime of a log-in session, however active (OWASP ASVS 3.3.2)."""
    return float(os.environ.get("DPO_SESSION_MAX_HOURS", "12"))


def auto_migrate() -> bool:
    return os.environ.get("DPO_AUTO_MIGRATE", "1") != "0"


def app_db_role() -> str:
    """PostgreSQL: the role the application connects as; `manage.py migrate`, run as the owner,
    then grants it its rights (docs/postgresql.md). Empty: a single role (no least privilege)."""
    return os.environ.get("DPO_DB_APP_ROLE", "").strip()


def password_profile() -> str:
    """argon2 cost profile; the test suite sets "cheap" to keep fixtures fast."""
    return os.environ.get("DPO_PASSWORD_PROFILE", "standard")


def audit_key_file() -> Path:
    """The audit chain's HMAC key (created 0600 on first start); keep it out of the
    database owner's reach and back it up apart from the database."""
    return Path(os.environ.get("DPO_AUDIT_KEY_FILE", "").strip() or data_dir() / "audit.key")


def audit_checkpoint_file() -> Path:
    """Append-only file of signed checkpoints of the audit chain's head."""
    return Path(os.environ.get("DPO_AUDIT_CHECKPOINT_FILE", "").strip() or data_dir() / "audit-checkpoints.log")


def case_master_key_file() -> Path:
    """The master key that wraps the per-case keys of crypto-shredding (dashboard/case_keys.py)."""
    return Path(os.environ.get("DPO_CASE_MASTER_KEY_FILE", "").strip() or data_dir() / "case-master.key")


def audit_retention_months() -> str:
    """Months of audit trail kept by `manage.py purge-audit` (checked there: at least 6)."""
    return os.environ.get("DPO_AUDIT_RETENTION_MONTHS", "").strip() or "12"


def mfa_required_roles() -> str:
    """Roles that must sign in with a second factor (TOTP), comma-separated; "" for none."""
    return os.environ.get("DPO_MFA_REQUIRED_ROLES", "dpo,auditor")


def oidc_role_groups() -> str:
    """Single sign-on: "group=role,..." (most privileged first), the provider's groups claim → role."""
    return os.environ.get("DPO_OIDC_ROLE_GROUPS", "")


def oidc_department_groups() -> str:
    """Single sign-on: "group=DEPARTMENT_CODE,...", the groups that give a department head a department."""
    return os.environ.get("DPO_OIDC_DEPARTMENT_GROUPS", "")


def oidc_groups_claim() -> str:
    return os.environ.get("DPO_OIDC_GROUPS_CLAIM", "groups")


def consent_propagation_days() -> int:
    """Days to carry a withdrawal of consent into every system (models.deadlines.
    consent_withdrawal_propagation_due, default 7, 1 to 30; a bad value falls back to 7)."""
    from models.deadlines import CONSENT_PROPAGATION_DEFAULT_DAYS, CONSENT_PROPAGATION_MAX_DAYS
    raw = os.environ.get("DPO_CONSENT_PROPAGATION_DAYS", "").strip()
    try:
        days = int(raw) if raw else CONSENT_PROPAGATION_DEFAULT_DAYS
    except ValueError:
        return CONSENT_PROPAGATION_DEFAULT_DAYS
    return days if 1 <= days <= CONSENT_PROPAGATION_MAX_DAYS else CONSENT_PROPAGATION_DEFAULT_DAYS
def attachment_max_bytes() -> int:
    """Largest file attached to a case (default 20 MB; Streamlit's server.maxUploadSize must allow it)."""
    return int(os.environ.get("DPO_ATTACHMENT_MAX_BYTES", "").strip() or 20 * 1024 * 1024)
