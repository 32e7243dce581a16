"""Domain errors raised by services. Views and the API map them to messages and status codes.

Services never raise HTTP exceptions; a view catches ``DomainError`` and shows ``str(error)``
to the user, so every message must say what went wrong and how to fix it.
"""


class DomainError(Exception):
    """Base class for a rule a user broke. The message is shown to them as written."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(DomainError):
    """The object is not in a status that allows this action."""


class PermissionDenied(DomainError):
    """The user may not do this to this object."""


class ValidationFailed(DomainError):
    """Input broke a rule that a form could not check on its own."""


def ensure_status(obj, *, allowed) -> None:
    """Refuse a transition unless ``obj.status`` is one of ``allowed``."""
    if obj.status not in allowed:
        raise InvalidTransition(
            f"This cannot be done while the {obj._meta.verbose_name} is "
            f"{obj.get_status_display().lower()}."
        )
