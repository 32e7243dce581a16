"""Extension points that optional apps fill in from their ``AppConfig.ready()``.

Core never imports an app. Instead each app contributes what it has, and core (templates,
context processors, the API, ``seed_demo``) reads what was contributed:

- ``NavItem``: a link in the service navigation.
- ``DashboardPanel``: a card on the signed-in dashboard.
- ``HomeSection``: a section on the home page.
- ``StaffQueue``: a "waiting for review" count for staff (dashboard and CMS home).
- ``DemoSeeder``: a step of ``manage.py seed_demo``.
- ``ApiRouter``: a django-ninja router mounted under ``/api/v1/``.
- ``PageAction``: a link or button on a page another app owns.

Registration is keyed, so calling ``ready()`` twice (tests, autoreload) does not add twice, and
ordered by ``order`` then key, so the result never depends on ``INSTALLED_APPS`` order.
See ``docs/adding-an-app.md`` for the checklist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 100
    # Who sees it; None means everyone. Takes the request.
    visible: Callable[[Any], bool] | None = None
    # Paths under which the item is marked as the current page.
    active_prefix: str = ""
    # A fixed path for pages that have no URL name (Wagtail pages such as /guidance/).
    href: str = ""


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    # Returns the template context for this user, or None to leave the panel out.
    context: Callable[[Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    # Returns the template context for the home page, or None to leave the section out.
    context: Callable[[Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class StaffQueue:
    """Work waiting for platform staff, shown with its count and the oldest item first."""

    key: str
    label: str
    # Returns (count, oldest waiting datetime or None).
    summary: Callable[[], tuple[int, Any]]
    url: Callable[[], str]
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    key: str
    # Called with the command's stdout; must be idempotent.
    run: Callable[[Any], None]
    order: int = 100
    # Lines for the demo accounts table printed at the end: (role, email, password, 2FA).
    accounts: Callable[[], list[tuple[str, str, str, str]]] | None = None
    # A paragraph printed after the accounts table (how to get a two-factor code, say).
    note: str = ""
    # A context manager the whole seeding runs inside (the search app batches its index
    # updates, so the demo is indexed once at the end rather than after every save).
    wraps: Callable[[], Any] | None = None


@dataclass(frozen=True)
class PageAction:
    """A link or button an app adds to a page another app owns ("Invite to a challenge" on a
    supplier's profile). ``page`` names the slot the owning template offers with
    ``{% page_actions "<page>" obj %}``; the owner does not know who fills it."""

    key: str
    page: str
    template: str
    # Returns the template context for this request and object, or None to leave it out.
    # Called once per object shown, so it must not query per call (memoise on the request).
    context: Callable[[Any, Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class ApiRouter:
    key: str
    prefix: str
    router: Any
    order: int = 100


@dataclass(frozen=True)
class BulkLookup:
    """Facts a later app keeps about an earlier app's objects, fetched for a whole page of ids
    at once: the feedback app's rating of each supplier for the supplier API, say. The earlier
    app asks ``lookup(key, ids)`` and never imports the later one."""

    key: str
    resolve: Callable[[list[int]], dict[int, Any]]
    order: int = 100


def lookup(key: str, ids: list[int]) -> dict[int, Any]:
    """What the ``BulkLookup`` registered under ``key`` knows about ``ids`` ({} if none is)."""
    for contribution in contributions(BulkLookup):
        if contribution.key == key:
            return contribution.resolve(list(ids))
    return {}


@dataclass(frozen=True)
class ReadinessCheck:
    """A dependency ``/readyz`` reports on. ``check()`` returns ``{"ok": bool, ...}``; it may
    raise, and the failure is reported (never raised). Keys must not clash with core's own
    ("database", "broker")."""

    key: str
    check: Callable[[], dict]
    order: int = 100


T = TypeVar("T")


@dataclass
class _Slot:
    items: dict[str, Any] = field(default_factory=dict)

    def add(self, item) -> None:
        self.items[item.key] = item

    def all(self) -> list:
        return sorted(self.items.values(), key=lambda item: (item.order, item.key))


_slots: dict[type, _Slot] = {
    kind: _Slot()
    for kind in (
        NavItem,
        DashboardPanel,
        HomeSection,
        StaffQueue,
        DemoSeeder,
        ApiRouter,
        PageAction,
        BulkLookup,
        ReadinessCheck,
    )
}


def register(item: T) -> T:
    """Contribute ``item`` (one of the dataclasses above). Same key again replaces it."""
    try:
        slot = _slots[type(item)]
    except KeyError:
        raise TypeError(f"{type(item).__name__} is not an extension point") from None
    slot.add(item)
    return item


def contributions(kind: type[T]) -> list[T]:
    """Everything contributed of ``kind``, in display order."""
    return _slots[kind].all()


def unregister(kind: type, key: str) -> None:
    """Take back a contribution (tests that register a stand-in use this to clean up)."""
    _slots[kind].items.pop(key, None)


@dataclass(frozen=True)
class Shown:
    """A contribution that takes part on this request, with the context it returned."""

    item: Any
    context: dict


def shown(kind: type, request) -> list[Shown]:
    """Dashboard panels or home sections for ``request``: each asked for its context, in order,
    leaving out those that returned None. Rendered by ``{% render_contribution %}``."""
    out = []
    for item in contributions(kind):
        context = item.context(request)
        if context is not None:
            out.append(Shown(item, context))
    return out
