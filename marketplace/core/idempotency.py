"""Create forms that make one object however many times they are posted.

A double click, a browser retry or the back button can send the same "create" form twice.
Each create form carries a hidden ``form_token`` (a fresh uuid4 each time the empty form is
shown). The first POST with a token claims it by inserting an ``IdempotencyKey`` row in the
same transaction as the create; the unique constraint on the key makes every later POST with
that token wait for the first one to commit and then fail to insert. A replay is sent to the
page the first POST went to (the same response as success) instead of creating again.

If the create fails (a ``DomainError``, any exception) the claim is undone with it, so the
person can fix the form and send it again with the same token.

How a create view uses it (later apps: challenge, application, claim and review create forms
do the same)::

    class ChallengeForm(IdempotentFormMixin, GovUKForm):
        title = ...

    @login_required
    def challenge_new(request):
        form = ChallengeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with idempotency.claim(request, form, scope="challenges.create") as claim:
                if claim.replay_url:
                    return redirect(claim.replay_url)
                try:
                    challenge = services.challenge_create(..., by=request.user)
                except DomainError as exc:
                    form.add_error(None, exc.message)  # the claim is released on exit
                else:
                    return redirect(claim.done(reverse("challenges:detail", args=[challenge.pk])))
        return render(request, "challenges/new.html", {"form": form})

The template needs nothing extra: ``form_token`` is a hidden field and GOV.UK form rendering
outputs hidden fields. A POST without a valid token (an old page, a script) is still handled,
just without this protection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, transaction

from .models import IdempotencyKey

FIELD_NAME = "form_token"


def new_token() -> str:
    return str(uuid.uuid4())


class FormTokenField(forms.CharField):
    """A hidden field with a fresh uuid4 each time the empty form is shown. Cleans to a
    ``uuid.UUID``, or ``None`` when the token is missing or not a uuid."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_token)  # callable: a new token per render
        kwargs.setdefault("max_length", 36)
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return uuid.UUID(str(value or "")[:36])
        except ValueError:
            return None


class IdempotentFormMixin(forms.Form):
    """Adds the hidden ``form_token`` field to a create form."""

    form_token = FormTokenField()


@dataclass
class Claim:
    """What ``claim`` found: ``replay_url`` is set when an earlier POST already used the
    token; otherwise the caller creates and calls ``done(url)``."""

    replay_url: str | None = None
    key: IdempotencyKey | None = None
    result_url: str | None = None

    def done(self, url: str) -> str:
        """Record where the first POST sent the person; returns ``url`` for the redirect."""
        self.result_url = url
        return url


@contextmanager
def claim(request, form: forms.Form, *, scope: str) -> Iterator[Claim]:
    """Claim ``form``'s token for ``request.user`` in one transaction with the create.

    Yields a ``Claim``. If the token was used before by the same person for the same scope,
    ``replay_url`` is where to send them. The claim is kept only when ``done(url)`` was called
    and the block did not raise.
    """
    token = form.cleaned_data.get(FIELD_NAME)
    if token is None:
        with transaction.atomic():
            yield Claim()
        return
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, so a duplicate leaves the outer one usable
                key = IdempotencyKey.objects.create(key=token, user=request.user, scope=scope)
        except IntegrityError:
            earlier = IdempotencyKey.objects.filter(key=token).first()
            if (
                earlier is not None
                and earlier.user_id == request.user.pk
                and earlier.scope == scope
                and earlier.result_url
            ):
                yield Claim(replay_url=earlier.result_url)
                return
            # Someone else's token, or a claim that never finished: handle as a fresh POST,
            # without the protection, rather than refuse what the person typed.
            yield Claim()
            return
        result = Claim(key=key)
        yield result
        if result.result_url:
            key.result_url = result.result_url[:500]
            key.save(update_fields=["result_url"])
        else:
            key.delete()  # nothing was created: the person may fix the form and send it again
