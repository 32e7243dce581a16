"""The supplier logo, end to end through the real "about" question page: what is stored, what is
refused with which message, that nothing else typed on the page is lost, and how the stored logo
is served."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from suppliers.forms import LOGO_MESSAGE
from suppliers.models import SupplierProfile
from tests.core.test_uploads import (
    EICAR,
    HTML,
    SCRIPT,
    SVG,
    UNAVAILABLE_MESSAGE,
    VIRUS_MESSAGE,
    free_port,
    jpeg_with_exif,
    noisy_png,
    png_bytes,
    png_claiming_size,
    png_with_script,
)
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db
STORED_LOGO = re.compile(r"^supplier-logos/[0-9a-f]{32}\.(png|jpg)$")
SUMMARY = "We make low-cost air quality sensors for schools."
WEBSITE = "www.example.co.uk"


@pytest.fixture
def profile(supplier_org):
    return SupplierProfileFactory(organisation=supplier_org, slug=supplier_org.slug)


@pytest.fixture
def admin_client(client, supplier_admin):
    client.force_login(supplier_admin)
    return client


def post_about(client, profile, name: str, data: bytes, content_type: str = "image/png"):
    logo = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        reverse("suppliers:join_step", args=[profile.slug, "about"]),
        {"summary": SUMMARY, "website": WEBSITE, "logo": logo},
    )


def stored_bytes(profile: SupplierProfile) -> bytes:
    with default_storage.open(profile.logo.name, "rb") as stored:
        return stored.read()


def test_png_with_script_named_html_is_stored_as_png_and_served_as_an_image(admin_client, profile):
    response = post_about(admin_client, profile, "logo.html", png_with_script(), "text/html")

    assert response.status_code == 302
    profile.refresh_from_db()
    assert STORED_LOGO.match(profile.logo.name)
    assert profile.logo.name.endswith(".png")
    data = stored_bytes(profile)
    assert SCRIPT not in data
    assert b"script" not in data

    served = admin_client.get(profile.logo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(served.streaming_content) == data


def test_jpeg_logo_is_re_encoded_without_exif(admin_client, profile):
    response = post_about(admin_client, profile, "photo.JPG", jpeg_with_exif(), "image/jpeg")

    assert response.status_code == 302
    profile.refresh_from_db()
    assert STORED_LOGO.match(profile.logo.name)
    data = stored_bytes(profile)
    assert b"Secret Author" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("logo.png", HTML, LOGO_MESSAGE, id="html-named-png"),
        pytest.param("logo.svg", SVG, LOGO_MESSAGE, id="svg-with-script"),
        pytest.param("logo.png", png_bytes()[:60], LOGO_MESSAGE, id="truncated-png"),
        pytest.param("logo.png", EICAR, VIRUS_MESSAGE, id="eicar-named-png"),
        pytest.param(
            "logo.png",
            png_claiming_size(20_000, 20_000),
            "The image is too large: it must be no more than 16 million pixels. Make it "
            "smaller and upload it again",
            id="decompression-bomb",
        ),
        pytest.param(
            "logo.png",
            noisy_png(size=(1000, 1000)) * 3,
            "The logo must be smaller than 2MB",
            id="over-2mb",
        ),
    ],
)
def test_bad_logo_refused_with_a_message_and_nothing_else_lost(
    admin_client, profile, name, data, message
):
    response = post_about(admin_client, profile, name, data)

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [message]
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    # What was typed on the page is shown again, and saved.
    assert SUMMARY in body
    assert WEBSITE in body
    profile.refresh_from_db()
    assert profile.summary == SUMMARY
    assert profile.website == f"https://{WEBSITE}"
    assert not profile.logo


def test_unreachable_virus_scanner_refuses_the_logo_and_keeps_the_rest(admin_client, profile):
    with override_settings(CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=free_port(), CLAMAV_TIMEOUT=2):
        response = post_about(admin_client, profile, "logo.png", png_bytes())

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [UNAVAILABLE_MESSAGE]
    profile.refresh_from_db()
    assert profile.summary == SUMMARY
    assert not profile.logo


def test_a_refused_logo_keeps_the_logo_already_saved(admin_client, profile):
    post_about(admin_client, profile, "logo.png", png_bytes())
    profile.refresh_from_db()
    saved = profile.logo.name
    assert STORED_LOGO.match(saved)

    response = post_about(admin_client, profile, "logo.png", HTML)

    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.logo.name == saved
