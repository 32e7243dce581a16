from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from marketplace.accounts import demo
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import registry
from marketplace.core.registry import DemoSeeder
from marketplace.home.models import GuidanceIndexPage, GuidancePage, HomePage, SiteSettings

pytestmark = pytest.mark.django_db

# The accounts and home seeders are what this module checks; the apps' own demo worlds are
# checked in their test_demo modules. Seeding everything takes about 20 s, so only the tests
# marked ``whole_demo`` run every registered seeder.
CORE_SEEDERS = ("accounts", "home")


@pytest.fixture(autouse=True)
def _core_seeders_only(request, monkeypatch):
    if request.node.get_closest_marker("whole_demo"):
        return
    slot = registry._slots[DemoSeeder]
    monkeypatch.setattr(
        slot, "items", {key: item for key, item in slot.items.items() if key in CORE_SEEDERS}
    )


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything seed_demo writes, as comparable values."""
    return {
        "users": sorted(
            User.objects.values_list("email", "password", "full_name", "is_staff", "last_login")
        ),
        "organisations": sorted(
            Organisation.objects.values_list("slug", "name", "kind", "buyer_type", "updated_at")
        ),
        "memberships": sorted(
            Membership.objects.values_list("user__email", "organisation__slug", "role")
        ),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        "authenticators": sorted(
            Authenticator.objects.values_list("user__email", "type", "data", flat=False)
        ),
        "pages": sorted(Page.objects.values_list("url_path", "latest_revision_id", "live")),
        "revisions": Revision.objects.count(),
        "settings": list(SiteSettings.objects.values_list("service_name", "contact_email")),
    }


def test_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(email__endswith=demo.DEMO_EMAIL_DOMAIN).exists()


def test_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.filter(email=f"buyer@{demo.DEMO_EMAIL_DOMAIN}").exists()


def test_creates_buyer_organisations_with_their_types():
    seed()
    kinds = {
        org.name: (org.kind, org.buyer_type)
        for org in Organisation.objects.filter(slug__in=[o.slug for o in demo.DEMO_ORGANISATIONS])
    }
    assert kinds == {
        "Leeds City Council": ("buyer", "local_authority"),
        "Manchester University NHS Foundation Trust": ("buyer", "nhs"),
        "Department for Transport": ("buyer", "central_government"),
        "Northern Public Services Innovation Programme": ("programme", ""),
        "Northern Sensors Ltd": ("supplier", ""),
    }


@pytest.mark.parametrize(
    ("key", "organisation", "role", "two_factor"),
    [
        ("buyer", "Leeds City Council", Role.BUYER, True),
        ("commissioner", "Leeds City Council", Role.COMMISSIONER, True),
        ("assessor", "Northern Public Services Innovation Programme", Role.ASSESSOR, False),
        ("supplier", "Northern Sensors Ltd", Role.SUPPLIER_ADMIN, False),
        ("supplier-member", "Northern Sensors Ltd", Role.SUPPLIER_MEMBER, False),
    ],
)
def test_one_account_per_role(key, organisation, role, two_factor):
    users = seed_and_users()
    user = users[key]
    assert user.email == f"{key}@demo.marketplace.localhost"
    assert list(user.memberships.values_list("organisation__name", "role")) == [
        (organisation, role)
    ]
    assert not user.is_staff
    assert user.check_password(next(a.password for a in demo.DEMO_ACCOUNTS if a.key == key))
    assert EmailAddress.objects.get(user=user).verified
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert has_totp is two_factor


def seed_and_users() -> dict:
    seed()
    return {a.key: User.objects.get(email=a.email) for a in demo.DEMO_ACCOUNTS}


def test_admin_is_staff_superuser_with_the_demo_totp_secret():
    admin = seed_and_users()["admin"]
    assert admin.is_staff and admin.is_superuser
    assert not admin.memberships.exists()
    authenticator = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    assert authenticator.wrap().instance.data["secret"] == demo.DEMO_TOTP_SECRET


@pytest.mark.whole_demo
def test_running_twice_changes_nothing():
    seed()
    first = snapshot()
    second_output = seed()
    assert snapshot() == first
    assert "Created" not in second_output
    assert User.objects.filter(email__in=[a.email for a in demo.DEMO_ACCOUNTS]).count() == 6


def test_reseeding_restores_a_changed_demo_password():
    users = seed_and_users()
    users["supplier"].set_password("something-else-entirely")
    users["supplier"].save()
    seed()
    users["supplier"].refresh_from_db()
    assert users["supplier"].check_password("supplier-demo-local")


def test_keeps_an_authenticator_someone_already_set_up():
    seed()
    buyer = User.objects.get(email=f"buyer@{demo.DEMO_EMAIL_DOMAIN}")
    Authenticator.objects.filter(user=buyer).update(data={"secret": "KRSXG5CTMVRXEZLU"})
    seed()
    assert Authenticator.objects.get(user=buyer).data == {"secret": "KRSXG5CTMVRXEZLU"}


def test_prints_the_accounts_passwords_and_totp_note():
    output = seed()
    for account in demo.DEMO_ACCOUNTS:
        assert account.email in output
        assert account.password in output
    assert demo.DEMO_TOTP_SECRET in output
    assert "manage.py demo_totp" in output


def test_builds_guidance_and_site_settings(client):
    seed()
    site = Site.objects.get(is_default_site=True)
    assert (
        SiteSettings.for_site(site).service_name,
        SiteSettings.for_site(site).contact_email,
    ) == (
        "Innovation Marketplace",
        "support@marketplace.localhost",
    )
    index = GuidanceIndexPage.objects.get()
    titles = list(GuidancePage.objects.child_of(index).live().values_list("title", flat=True))
    assert titles == [
        "How challenge-based buying works",
        "Joining as a supplier",
        "Staged funding explained",
        "Payment by results",
    ]
    html = client.get("/guidance/").content.decode()
    for title in titles:
        assert title in html
    response = client.get("/guidance/payment-by-results/")
    assert response.status_code == 200
    assert "govuk-warning-text" in response.content.decode()


def test_creates_the_guidance_section_when_the_migration_did_not(client):
    GuidanceIndexPage.objects.all().delete()
    home = HomePage.objects.get()
    home.how_it_works = []
    home.save_revision().publish()
    output = seed()
    assert "Created the guidance section at /guidance/" in output
    assert client.get("/guidance/staged-funding-explained/").status_code == 200
    assert "How it works for suppliers" in client.get("/").content.decode()


def test_demo_account_signs_in_with_its_password_and_the_demo_code(client):
    seed()
    response = client.post(
        "/accounts/login/",
        {"login": f"buyer@{demo.DEMO_EMAIL_DOMAIN}", "password": "buyer-demo-local"},
    )
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/authenticate")
    code_output = StringIO()
    call_command("demo_totp", stdout=code_output, stderr=StringIO())
    response = client.post(response.url, {"code": code_output.getvalue().strip()})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_demo_totp_prints_a_valid_six_digit_code():
    out, err = StringIO(), StringIO()
    call_command("demo_totp", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert validate_totp_code(demo.DEMO_TOTP_SECRET, code)
    assert not validate_totp_code(demo.DEMO_TOTP_SECRET, f"{(int(code) + 1) % 1_000_000:06d}")
    assert "seconds" in err.getvalue()


@pytest.fixture
def seeders(monkeypatch):
    """Only the seeders a test registers; the real ones are put back afterwards."""
    monkeypatch.setattr(registry._slots[DemoSeeder], "items", {})
    return registry.register


def test_runs_every_registered_seeder_in_order_and_prints_their_accounts(seeders):
    calls = []
    seeders(DemoSeeder(key="second", run=lambda out: calls.append("second"), order=20))
    seeders(
        DemoSeeder(
            key="first",
            run=lambda out: calls.append("first") or out.write("seeded first"),
            order=10,
            accounts=lambda: [("Tester", "t@example.com", "pw-local", "no")],
            note="A note after the table.",
        )
    )
    output = seed()
    assert calls == ["first", "second"]
    assert "seeded first" in output
    assert "t@example.com" in output and "pw-local" in output
    assert output.index("Demo accounts") < output.index("A note after the table.")


def test_with_no_seeders_registered_it_runs_and_prints_no_table(seeders):
    assert "Demo accounts" not in seed()


@pytest.mark.whole_demo
def test_registers_a_seeder_for_accounts_content_and_suppliers():
    assert [s.key for s in registry.contributions(DemoSeeder)][:2] == ["accounts", "home"]
    assert "suppliers" in [s.key for s in registry.contributions(DemoSeeder)]


def _seeder_that_emails(seeders):
    from django.core.mail import send_mail

    seeders(
        DemoSeeder(
            key="mailer",
            run=lambda out: send_mail("Demo", "Body", None, ["someone@example.com"]),
        )
    )


def test_emails_the_demo_story_sends_are_dropped_by_default(seeders, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    _seeder_that_emails(seeders)
    seed()
    assert "Subject: Demo" not in capsys.readouterr().out
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_print_emails_sends_them_to_the_configured_backend(seeders, settings, mailoutbox):
    _seeder_that_emails(seeders)
    seed("--print-emails")
    assert [m.subject for m in mailoutbox] == ["Demo"]
