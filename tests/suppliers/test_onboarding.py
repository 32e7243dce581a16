"""Onboarding pages: the journey, saving drafts, bad input and who may see or change what."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace.accounts.models import Role
from suppliers import services
from suppliers.models import Capability, Region, SupplierProfile
from suppliers.views.onboarding import EVIDENCE, STEPS
from tests.conftest import mfa_login
from tests.factories import MembershipFactory, UserFactory
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status
JUNK = "<b>x</b>" * 1280  # 10 kB


def step_url(profile, key):
    return reverse("suppliers:join_step", args=[profile.slug, key])


@pytest.fixture
def profile(supplier_org):
    return SupplierProfileFactory(organisation=supplier_org, slug=supplier_org.slug)


@pytest.fixture
def admin_client(client, supplier_admin):
    client.force_login(supplier_admin)
    return client


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


# --- The journey ------------------------------------------------------------------------------


def test_start_page_explains_what_you_need(client):
    response = client.get(reverse("suppliers:join_start"))
    assert response.status_code == 200
    assert b"Join as a supplier" in response.content
    assert b"It takes about 20 minutes" in response.content
    assert b"your company number" in response.content


def test_starting_needs_sign_in(client):
    response = client.get(reverse("suppliers:join_new"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_full_journey_to_submission(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("suppliers:join_new"), {"legal_name": "Bright Sparks Ltd", "trading_name": ""}
    )
    profile = SupplierProfile.objects.get(legal_name="Bright Sparks Ltd")
    assert response.status_code == 302
    assert response.url == step_url(profile, "company")
    capability = Capability.objects.filter(parent__isnull=False).first()
    answers = {
        "company": {
            "company_number": "SC123456",
            "charity_number": "",
            "vat_number": "GB 980 7806 84",
        },
        "about": {"summary": "We make sensors.", "website": "www.example.co.uk"},
        "contact": {
            "contact_name": "Ada",
            "contact_email": "ada@example.org",
            "contact_phone": "0113 496 0000",
        },
        "size": {"staff_headcount": "12", "turnover": "£1,500,000", "balance_sheet": "800000.50"},
        "vcse": {"vcse_type": "cooperative"},
        "address": {"address_line_1": "1 Park Row", "town": "Leeds", "postcode": "ls1 4dy"},
        "regions": {
            "regions_served": [r.pk for r in Region.objects.filter(code__in=["TLE", "TLD"])],
            "remote_delivery": "on",
        },
        "capabilities": {"capabilities": [capability.pk]},
        "innovation": {
            "innovation_type": "incremental",
            "innovation_evidence": "Cut costs by 20%.",
        },
    }
    keys = [s.key for s in STEPS]
    for key, data in answers.items():
        response = client.post(step_url(profile, key), data)
        assert response.status_code == 302, (key, response.content[:3000])
        nxt = keys.index(key) + 1
        expected = (
            step_url(profile, keys[nxt])
            if nxt < len(keys)
            else reverse("suppliers:join_tasks", args=[profile.slug])
        )
        assert response.url == expected
    profile.refresh_from_db()
    assert profile.company_number == "SC123456"
    assert profile.vat_number == "GB980780684"
    assert profile.turnover_pence == 150_000_000
    assert profile.balance_sheet_pence == 80_000_050
    assert (profile.size_band, profile.is_sme) == ("small", True)
    assert profile.is_vcse
    assert profile.region.code == "TLE"
    assert profile.website == "https://www.example.co.uk"

    tasks = client.get(reverse("suppliers:join_tasks", args=[profile.slug]))
    assert tasks.status_code == 200
    assert b"Cannot start yet" not in tasks.content
    check = client.get(reverse("suppliers:join_check", args=[profile.slug]))
    assert check.status_code == 200
    assert "£1,500,000" in check.content.decode()
    assert b"Submit your profile" in check.content
    assert b"?next=check" in check.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suppliers:join_check", args=[profile.slug]))
    assert response.status_code == 302
    assert response.url == reverse("suppliers:join_submitted", args=[profile.slug])
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED
    assert mail.outbox[0].to == [user.email]
    confirmation = client.get(response.url)
    assert b"govuk-panel--confirmation" in confirmation.content
    status_page = client.get(reverse("suppliers:join_status", args=[profile.slug]))
    assert b"Submitted for review" in status_page.content


def test_save_and_come_back_later_goes_to_task_list(admin_client, profile):
    response = admin_client.post(
        step_url(profile, "contact"),
        {"contact_name": "Ada", "contact_email": "ada@example.org", "later": "1"},
    )
    assert response.status_code == 302
    assert response.url == reverse("suppliers:join_tasks", args=[profile.slug])
    profile.refresh_from_db()
    assert profile.contact_name == "Ada"


def test_change_link_returns_to_check_answers(admin_client, profile):
    response = admin_client.post(
        step_url(profile, "contact") + "?next=check",
        {"contact_name": "Ada", "contact_email": "ada@example.org"},
    )
    assert response.url == reverse("suppliers:join_check", args=[profile.slug])


def test_task_list_statuses_and_completeness(admin_client, profile):
    response = admin_client.get(reverse("suppliers:join_tasks", args=[profile.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cannot start yet" in body  # contact, VCSE, regions, capabilities are missing
    assert "A contact name and email address" in body
    assert "Completed" in body and "Incomplete" in body
    assert "% complete" in body


def test_submitting_incomplete_profile_lists_what_is_missing(admin_client, profile):
    response = admin_client.post(reverse("suppliers:join_check", args=[profile.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "You need to finish these parts before you submit" in body
    profile.refresh_from_db()
    assert profile.status == Status.DRAFT


def test_changes_requested_reasons_shown_then_resubmit(admin_client, profile, staff_user):
    profile.contact_name, profile.contact_email = "Ada", "ada@example.org"
    profile.completed_steps = ["vcse"]
    profile.remote_delivery = True
    profile.save()
    profile.capabilities.add(Capability.objects.filter(parent__isnull=False).first())
    profile.status = Status.SUBMITTED
    profile.save()
    services.profile_request_changes(
        profile=profile, by=staff_user, reasons="Add your <b>VAT</b> number"
    )
    status_page = admin_client.get(reverse("suppliers:join_status", args=[profile.slug]))
    assert "Add your &lt;b&gt;VAT&lt;/b&gt; number" in status_page.content.decode()
    tasks = admin_client.get(reverse("suppliers:join_tasks", args=[profile.slug]))
    assert "Changes needed" in tasks.content.decode()
    admin_client.post(
        step_url(profile, "company"),
        {"company_number": profile.company_number, "vat_number": "GB980780684"},
    )
    response = admin_client.post(reverse("suppliers:join_check", args=[profile.slug]))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED


def test_step_pages_closed_while_submitted(admin_client, profile):
    profile.status = Status.SUBMITTED
    profile.save()
    response = admin_client.get(step_url(profile, "contact"))
    assert response.status_code == 302
    assert response.url == reverse("suppliers:join_status", args=[profile.slug])


# --- Bad input: each refused with a clear message, everything else kept ----------------------


def _errors(response):
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("ZZ99 9ZZ", "We could not find that postcode. Check it and try again, like SW1A 2AA"),
        ("not a postcode", "Enter a real postcode, like SW1A 2AA"),
        ("LS1", "Enter a full postcode, like SW1A 2AA. “LS1” is only the first part of a postcode"),
    ],
)
def test_bad_postcode_refused_and_address_lines_kept(admin_client, profile, postcode, message):
    response = admin_client.post(
        step_url(profile, "address"),
        {"address_line_1": "2 New Street", "town": "Bradford", "postcode": postcode},
    )
    assert response.status_code == 200
    assert _errors(response)["postcode"] == [message]
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    profile.refresh_from_db()
    assert profile.address_line_1 == "2 New Street"
    assert profile.town == "Bradford"
    assert profile.postcode == "LS1 4DY"  # the old, valid postcode stays
    assert profile.legal_name == "Acme Sensors Ltd"  # earlier steps are untouched
    assert profile.size_band == "small"
    assert f'value="{postcode}"' in response.content.decode()  # what they typed is shown back


@pytest.mark.parametrize("number", ["1234567", "XX123456", "SC12345A"])
def test_company_number_in_wrong_format_refused_other_fields_kept(admin_client, profile, number):
    response = admin_client.post(
        step_url(profile, "company"), {"company_number": number, "charity_number": "1234567"}
    )
    assert response.status_code == 200
    assert _errors(response)["company_number"] == [services.COMPANY_NUMBER_FORMAT_MESSAGE]
    profile.refresh_from_db()
    assert profile.charity_number == "1234567"


def test_duplicate_company_number_refused_other_fields_kept(admin_client, profile):
    SupplierProfileFactory(company_number="09876543")
    response = admin_client.post(
        step_url(profile, "company"), {"company_number": "09876543", "vat_number": "GB980780684"}
    )
    assert response.status_code == 200
    assert _errors(response)["company_number"] == [services.COMPANY_NUMBER_TAKEN_MESSAGE]
    profile.refresh_from_db()
    assert profile.vat_number == "GB980780684"
    assert profile.company_number != "09876543"


def test_bad_vat_number_refused(admin_client, profile):
    response = admin_client.post(
        step_url(profile, "company"),
        {"company_number": profile.company_number, "vat_number": "GB980780685"},
    )
    assert _errors(response)["vat_number"] == [services.VAT_NUMBER_MESSAGE]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"staff_headcount": "-3"}, "staff_headcount", "Number of staff cannot be negative"),
        (
            {"staff_headcount": "99999999"},
            "staff_headcount",
            "Number of staff must be 5,000,000 or fewer",
        ),
        (
            {"staff_headcount": "twelve"},
            "staff_headcount",
            "Enter the number of staff as a whole number, like 12",
        ),
        (
            {"turnover": "-100"},
            "turnover",
            "Annual turnover cannot be negative. Enter 0 if you have none",
        ),
        (
            {"turnover": "99999999999999999"},
            "turnover",
            "Enter an amount less than £100,000,000,000",
        ),
        (
            {"balance_sheet": "lots"},
            "balance_sheet",
            "Enter an amount in pounds using numbers only, like 1500 or 1500.50",
        ),
        # Values Decimal and float accept, which used to give a 500 and lose every answer.
        *[
            (
                {name: bad},
                name,
                "Enter an amount in pounds using numbers only, like 1500 or 1500.50",
            )
            for name in ("turnover", "balance_sheet")
            for bad in ("NaN", "sNaN", "Infinity", "-Infinity", "1e30", "1e5", "2E3")
        ],
        ({"turnover": "1" + "0" * 25}, "turnover", "Enter an amount less than £100,000,000,000"),
        ({"turnover": "100000000000"}, "turnover", "Enter an amount less than £100,000,000,000"),
        *[
            (
                {"staff_headcount": bad},
                "staff_headcount",
                "Enter the number of staff as a whole number, like 12",
            )
            for bad in ("NaN", "Infinity", "1e30", "1e5", "9" * 5000)
        ],
    ],
)
def test_bad_size_refused_other_size_answers_kept(admin_client, profile, data, field, message):
    valid = {"staff_headcount": "7", "turnover": "100000", "balance_sheet": "50000"}
    response = admin_client.post(step_url(profile, "size"), {**valid, **data})
    assert response.status_code == 200
    assert _errors(response)[field] == [message]
    html = response.content.decode()
    for name, typed in {**valid, **data}.items():
        assert f'name="{name}"' in html
        assert f'value="{typed}"' in html, name  # what was typed is shown back
    profile.refresh_from_db()
    kept = {"staff_headcount": 7, "turnover_pence": 10_000_000, "balance_sheet_pence": 5_000_000}
    original = {
        "staff_headcount": 12,
        "turnover_pence": 150_000_000,
        "balance_sheet_pence": 80_000_000,
    }
    model_field = {
        "staff_headcount": "staff_headcount",
        "turnover": "turnover_pence",
        "balance_sheet": "balance_sheet_pence",
    }[field]
    for name, value in kept.items():
        expected = original[name] if name == model_field else value
        assert getattr(profile, name) == expected


def test_expired_certification_refused(admin_client, profile):
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = admin_client.post(
        reverse("suppliers:join_evidence_add", args=[profile.slug, "certifications"]),
        {
            "scheme": "cyber_essentials",
            "expires_on_day": past.day,
            "expires_on_month": past.month,
            "expires_on_year": past.year,
        },
    )
    assert response.status_code == 200
    assert _errors(response)["expires_on"] == [services.CERTIFICATE_EXPIRED_MESSAGE]
    assert not profile.certifications.exists()


def test_over_long_text_refused_other_fields_kept(admin_client, profile):
    response = admin_client.post(
        step_url(profile, "name"), {"legal_name": "x" * 201, "trading_name": "Acme"}
    )
    assert response.status_code == 200
    assert _errors(response)["legal_name"] == ["Legal name must be 200 characters or fewer"]
    profile.refresh_from_db()
    assert profile.trading_name == "Acme"
    assert profile.legal_name == "Acme Sensors Ltd"


def test_html_in_text_is_escaped_never_rendered(admin_client, profile):
    admin_client.post(
        step_url(profile, "name"),
        {"legal_name": "Acme Sensors Ltd", "trading_name": "<script>alert(1)</script>"},
    )
    profile.refresh_from_db()
    assert profile.trading_name == "<script>alert(1)</script>"
    for url in (
        reverse("suppliers:join_check", args=[profile.slug]),
        reverse("suppliers:join_tasks", args=[profile.slug]),
        step_url(profile, "name"),
    ):
        body = admin_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_non_image_logo_refused_summary_kept(admin_client, profile):
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = admin_client.post(
        step_url(profile, "about"), {"summary": "We test things.", "logo": fake}
    )
    assert response.status_code == 200
    assert _errors(response)["logo"] == ["The logo must be a PNG, JPG, GIF or WEBP image"]
    profile.refresh_from_db()
    assert profile.summary == "We test things."
    assert not profile.logo


def test_image_logo_saved(admin_client, profile):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = admin_client.post(
        step_url(profile, "about"), {"summary": "We test things.", "logo": logo}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.logo.name.startswith("supplier-logos/")


def _junk_for(form):
    data = {}
    for name, field in form.fields.items():
        widget_names = getattr(field.widget, "widgets_names", None)
        if widget_names:
            for suffix in widget_names:
                data[f"{name}{suffix}"] = JUNK
        else:
            data[name] = JUNK
    return data


STEP_URLS = [pytest.param(("step", s.key), id=s.key) for s in STEPS] + [
    pytest.param(("evidence", kind), id=f"evidence-{kind}") for kind in EVIDENCE
]


@pytest.mark.parametrize("target", STEP_URLS)
@pytest.mark.parametrize("payload", ["empty", "junk"])
def test_every_form_posted_empty_or_with_junk_shows_errors(admin_client, profile, target, payload):
    kind, key = target
    if kind == "step":
        url = step_url(profile, key)
        form_class = next(s.form_class for s in STEPS if s.key == key)
    else:
        url = reverse("suppliers:join_evidence_add", args=[profile.slug, key])
        form_class = EVIDENCE[key].form_class
    data = {} if payload == "empty" else _junk_for(form_class())
    response = admin_client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert "<b>x</b>" not in body


@pytest.mark.parametrize("payload", ["empty", "junk"])
def test_new_organisation_form_empty_or_junk(client, payload):
    client.force_login(UserFactory())
    data = {} if payload == "empty" else {"legal_name": JUNK, "trading_name": JUNK}
    response = client.post(reverse("suppliers:join_new"), data)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not SupplierProfile.objects.exists()


def test_evidence_add_change_and_remove(admin_client, profile):
    future = timezone.localdate() + datetime.timedelta(days=30)
    url = reverse("suppliers:join_evidence_add", args=[profile.slug, "certifications"])
    response = admin_client.post(
        url,
        {
            "scheme": "iso_27001",
            "expires_on_day": future.day,
            "expires_on_month": future.month,
            "expires_on_year": future.year,
        },
    )
    assert response.status_code == 302
    cert = profile.certifications.get()
    listing_url = reverse("suppliers:join_evidence_add", args=[profile.slug, "listings"])
    response = admin_client.post(
        listing_url,
        {
            "kind": "proof_of_concept",
            "title": "Pilot",
            "summary": "Three months",
            "price_model": "fixed",
            "price": "2,500",
        },
    )
    assert response.status_code == 302
    assert profile.listings.get().price_pence == 250_000
    page = admin_client.get(reverse("suppliers:join_evidence", args=[profile.slug, "listings"]))
    assert "£2,500" in page.content.decode()
    remove = reverse(
        "suppliers:join_evidence_remove", args=[profile.slug, "certifications", cert.pk]
    )
    assert admin_client.get(remove).status_code == 200
    assert admin_client.post(remove).status_code == 302
    assert not profile.certifications.exists()


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("NaN", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("Infinity", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("-Infinity", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("sNaN", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("1e30", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("1e5", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
        ("999999999999999999", "Enter an amount less than £100,000,000,000"),
    ],
)
def test_bad_listing_price_shows_an_error_and_keeps_the_answers(
    admin_client, profile, price, message
):
    typed = {
        "kind": "product",
        "title": "Air sensor kit",
        "summary": "Ten sensors and a dashboard",
        "price_model": "fixed",
        "price": price,
    }
    url = reverse("suppliers:join_evidence_add", args=[profile.slug, "listings"])
    response = admin_client.post(url, typed)
    assert response.status_code == 200
    assert _errors(response)["price"] == [message]
    html = response.content.decode()
    assert 'value="Air sensor kit"' in html
    assert "Ten sensors and a dashboard" in html
    assert f'value="{price}"' in html
    assert not profile.listings.exists()


@pytest.mark.parametrize(
    "hidden",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200f", "\u2060", "\ufeff", "\xad"],
)
def test_names_with_hidden_formatting_characters_are_refused(admin_client, profile, hidden):
    from marketplace.core.validators import INVISIBLE_CHARACTERS_MESSAGE

    response = admin_client.post(
        step_url(profile, "name"), {"legal_name": f"NHS{hidden} England", "trading_name": ""}
    )
    assert response.status_code == 200
    assert _errors(response)["legal_name"] == [INVISIBLE_CHARACTERS_MESSAGE]
    listing = admin_client.post(
        reverse("suppliers:join_evidence_add", args=[profile.slug, "listings"]),
        {"kind": "product", "title": f"Kit{hidden}", "summary": "S", "price_model": "fixed"},
    )
    assert _errors(listing)["title"] == [INVISIBLE_CHARACTERS_MESSAGE]
    profile.refresh_from_db()
    assert hidden not in profile.legal_name
    assert not profile.listings.exists()


# --- Access per object ------------------------------------------------------------------------


def _urls(profile, cert):
    return {
        "tasks": ("get", reverse("suppliers:join_tasks", args=[profile.slug])),
        "status": ("get", reverse("suppliers:join_status", args=[profile.slug])),
        "check": ("get", reverse("suppliers:join_check", args=[profile.slug])),
        "step": ("get", step_url(profile, "contact")),
        "step_post": ("post", step_url(profile, "contact")),
        "submit": ("post", reverse("suppliers:join_check", args=[profile.slug])),
        "evidence_add": (
            "get",
            reverse("suppliers:join_evidence_add", args=[profile.slug, "certifications"]),
        ),
        "evidence_remove": (
            "post",
            reverse(
                "suppliers:join_evidence_remove", args=[profile.slug, "certifications", cert.pk]
            ),
        ),
    }


VIEW_ONLY = {"tasks", "status", "check"}


@pytest.mark.parametrize("who", ["competitor_admin", "buyer", "plain_user"])
def test_outsiders_are_refused_everything(client, profile, who, request):
    user = UserFactory() if who == "plain_user" else request.getfixturevalue(who)
    cert = CertificationFactory(profile=profile)
    mfa_login(client, user)
    for name, (method, url) in _urls(profile, cert).items():
        response = getattr(client, method)(
            url, {"contact_name": "Hacker", "contact_email": "h@example.org"}
        )
        assert response.status_code == 404, name  # the same as for a supplier that does not exist
    profile.refresh_from_db()
    assert profile.contact_name == ""
    assert profile.certifications.exists()
    assert profile.status == Status.DRAFT


def test_anonymous_is_sent_to_sign_in(client, profile):
    cert = CertificationFactory(profile=profile)
    for name, (method, url) in _urls(profile, cert).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name


def test_supplier_member_can_view_but_not_edit_or_submit(client, profile, supplier_org):
    member = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    cert = CertificationFactory(profile=profile)
    client.force_login(member)
    for name, (method, url) in _urls(profile, cert).items():
        response = getattr(client, method)(
            url, {"contact_name": "Member", "contact_email": "m@example.org"}
        )
        expected = 200 if name in VIEW_ONLY else 403
        assert response.status_code == expected, name
    tasks = client.get(reverse("suppliers:join_tasks", args=[profile.slug])).content.decode()
    assert step_url(profile, "contact") not in tasks
    profile.refresh_from_db()
    assert profile.contact_name == ""
    assert profile.status == Status.DRAFT


def test_unknown_step_or_profile_is_404(admin_client, profile):
    assert admin_client.get(step_url(profile, "nonsense")).status_code == 404
    assert (
        admin_client.get(reverse("suppliers:join_tasks", args=["no-such-supplier"])).status_code
        == 404
    )


def test_task_list_and_check_page_query_counts(
    admin_client, profile, django_assert_max_num_queries
):
    for _ in range(5):
        CertificationFactory(profile=profile)
    profile.capabilities.add(*Capability.objects.filter(parent__isnull=False)[:10])
    profile.regions_served.add(*Region.objects.all())
    for url in (
        reverse("suppliers:join_tasks", args=[profile.slug]),
        reverse("suppliers:join_check", args=[profile.slug]),
        reverse("suppliers:join_evidence", args=[profile.slug, "certifications"]),
    ):
        with django_assert_max_num_queries(25):
            assert admin_client.get(url).status_code == 200
