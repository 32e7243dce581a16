import importlib
from contextlib import contextmanager

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import RequestFactory

from marketplace.accounts.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Empty every cache after each test. Rolled-back or flushed rows can otherwise outlive
    their test in the cache (Wagtail caches its site root paths, for example)."""
    yield
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def _migration(app_module: str, name: str):
    return importlib.import_module(f"{app_module}.migrations.{name}")


def restore_migrated_data() -> None:
    """Put back the rows that data migrations made (the Wagtail page tree with the home page and
    /guidance/, regions, capabilities) if a transactional test has flushed them. Transactional
    tests (browser tests, concurrency tests, worker tests) empty every table when they end; only
    content types and the like come back by themselves."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from suppliers.models import Region

    if not Locale.objects.exists():
        _migration("wagtail", "0054_initial_locale").initial_locale(apps, None)
    if not Page.objects.filter(depth=1).exists():
        Page.objects.create(
            title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            path="0001",
            depth=1,
            numchild=1,
            url_path="/",
            locale=Locale.objects.order_by("pk").first(),
        )
        _migration("marketplace.home", "0002_create_homepage").create_homepage(apps, None)
        _migration("marketplace.home", "0004_create_guidance_index").forwards(apps, None)
    if not Region.objects.exists():
        _migration("suppliers", "0002_seed_regions_and_capabilities").seed(apps, None)


@pytest.fixture(autouse=True)
def _migrated_data(request):
    """Every database test starts with what the data migrations made, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    restore_migrated_data()


@contextmanager
def module_data(django_db_blocker):
    """For a module-scoped fixture: rows shared by the module's tests (the seeded demo, which
    takes about 20 s to build), written once inside a transaction that is rolled back after the
    module. Each test runs in a savepoint on top, so what one test changes the next never sees.
    Only for modules without transactional tests (they would flush the shared rows)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        restore_migrated_data()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


def _with_totp(user):
    """Give ``user`` an activated authenticator so MFA enforcement lets them through."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def with_totp():
    return _with_totp


def mfa_login(client, user):
    """Sign ``user`` in on ``client`` as if through allauth's form *and* the two-factor step.

    ``client.force_login`` alone opens a session that never passed the second factor, and
    RequireTwoFactorMiddleware signs such sessions out for buyers, commissioners and staff who
    have an authenticator. Here allauth's own ``record_authentication`` writes the records a real
    sign-in leaves in the session: "password", then "mfa" for the user's authenticator (skipped
    when they have none, so the result is an ordinary password sign-in).
    """
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", email=user.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()
    return user


@pytest.fixture(name="mfa_login")
def mfa_login_fixture():
    """``mfa_login(client, user)``: see the function of that name."""
    return mfa_login


@pytest.fixture
def buyer_org(db):
    return OrganisationFactory(name="Leeds City Council", kind=Organisation.Kind.BUYER)


@pytest.fixture
def other_buyer_org(db):
    return OrganisationFactory(name="Bristol City Council", kind=Organisation.Kind.BUYER)


@pytest.fixture
def supplier_org(db):
    return OrganisationFactory(name="Acme Sensors Ltd", kind=Organisation.Kind.SUPPLIER)


@pytest.fixture
def competitor_org(db):
    return OrganisationFactory(name="Rival Data Ltd", kind=Organisation.Kind.SUPPLIER)


@pytest.fixture
def buyer(buyer_org):
    return _with_totp(MembershipFactory(organisation=buyer_org, role=Role.BUYER).user)


@pytest.fixture
def other_buyer(other_buyer_org):
    return _with_totp(MembershipFactory(organisation=other_buyer_org, role=Role.BUYER).user)


@pytest.fixture
def supplier_admin(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_ADMIN).user


@pytest.fixture
def competitor_admin(competitor_org):
    return MembershipFactory(organisation=competitor_org, role=Role.SUPPLIER_ADMIN).user


@pytest.fixture
def staff_user(db):
    return _with_totp(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def mfa_authenticators(db):
    return Authenticator.objects
