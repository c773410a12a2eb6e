"""The domain's errors: one base type the web layer maps to an HTTP answer (no Flask here)."""


class DomainError(Exception):
    """A use case refused: `message` is French and shown to the user (next to `field`)."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError, ValueError):
    """A business rule was broken by what the user submitted (400, or shown in the form)."""


class ValidationErrors(ValidationError):
    """Several rules broken at once: the form shows every one next to its field in one go."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__(errors[0].message if errors else "", errors[0].field if errors else None)
        self.errors = errors


def raise_all(errors: list[ValidationError]) -> None:
    """Raise nothing, the only error, or all of them together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


class NotAllowed(DomainError):
    """The viewer may not do this (403)."""

    def __init__(self, message: str = "Vous n'avez pas accès à cette action.",
                 field: str | None = None):
        super().__init__(message, field)
