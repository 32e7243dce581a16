"""Small helpers the challenge views share."""

from django.http import Http404

from marketplace.core.errors import DomainError

from ..models import Challenge
from ..selectors.access import is_challenge_buyer
from ..selectors.challenges import challenge_get_for_buyer


def show_error(form, error: DomainError, *, fields: dict | None = None) -> None:
    """Put a service's error on the form field it names (renamed by ``fields``), or on top."""
    field = (fields or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def managed_challenge(request, slug: str, *, edit: bool = True) -> Challenge:
    """The challenge, if the user's organisation runs it; 404 for everyone else (as if it did
    not exist). ``edit=False`` also lets programme members read challenges in review."""
    try:
        challenge = challenge_get_for_buyer(user=request.user, slug=slug)
    except Challenge.DoesNotExist:
        raise Http404("No such challenge") from None
    if edit and not is_challenge_buyer(request.user, challenge):
        raise Http404("No such challenge")
    return challenge
