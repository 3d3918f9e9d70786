"""Errors the application layer raises; each maps to a catalogue message."""

from models.errors import DomainError, RuleViolation


class NotAllowed(DomainError):
    """Also used for records that do not exist, so that a forged id reveals nothing."""

    key = "error.not_allowed"


class ConcurrentEdit(DomainError):
    key = "error.concurrent_edit"


class DatabaseUnavailable(DomainError):
    key = "error.database_unavailable"


class NoDatabase(DomainError):
    """A command asked to read a database that is not there (nothing was created)."""

    key = "error.no_database"


class SchemaOutOfDate(DomainError):
    key = "error.schema_out_of_date"


__all__ = [
    "DomainError",
    "RuleViolation",
    "NotAllowed",
    "ConcurrentEdit",
    "DatabaseUnavailable",
    "NoDatabase",
    "SchemaOutOfDate",
    "AuditKeyMissing",
]


class AuditKeyMissing(DomainError):
    """The audit chain has keyed entries but its key file is gone: restore it from
    the key's backup (a new key would make every keyed entry unverifiable)."""

    key = "audit.key.missing"
