"""Domain errors carry an i18n catalogue key and its parameters, never a sentence.

The application layer translates the key into the user's language.
"""


class DomainError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(self.key, params)


class RuleViolation(DomainError):
    """A business rule refused the operation (invalid transition, missing reason...)."""

    key = "error.rule"
