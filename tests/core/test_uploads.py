"""Every upload is inert: checked by content, re-encoded or renamed, scanned, served safely.

The sample files below are built in the tests: hostile ones (HTML, SVG with script, a PNG with a
script in a text chunk, EICAR, decompression and zip bombs) and good ones (PNG, JPEG with EXIF,
GIF, WEBP, PDF, DOCX, ODT).
"""

from __future__ import annotations

import io
import logging
import re
import socket
import struct
import threading
import zipfile
import zlib

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageSequence
from PIL.PngImagePlugin import PngInfo
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from marketplace.core.uploads import (
    BuiltinScanner,
    ClamdScanner,
    DocumentUploadField,
    ImageUploadField,
    ScannerUnavailable,
    UploadRefused,
    VirusFound,
    clean_document_upload,
    clean_image_upload,
    get_scanner,
)
from marketplace.core.uploads.scanning import CHUNK_SIZE

MB = 1024 * 1024
GENERATED = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp|pdf|docx|odt|xlsx|csv)$")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    + SCRIPT
    + b"</svg>"
)
VIRUS_MESSAGE = "This file contains a virus or test virus, so we cannot accept it"
UNAVAILABLE_MESSAGE = "We could not check this file for viruses. Try again in a few minutes."
IMAGE_MESSAGE = "The logo must be a PNG, JPG, GIF or WEBP image"


# --- Sample files -----------------------------------------------------------------------------


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bytes(size=(40, 30), colour="red", **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG", **save_options)
    return buffer.getvalue()


def noisy_png(size=(200, 200)) -> bytes:
    """A PNG that does not compress, so its size on disk is about its pixel count."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).save(buffer, format="PNG")
    return buffer.getvalue()


def png_with_script() -> bytes:
    """A valid PNG carrying a script in tEXt, zTXt and iTXt chunks (what the XSS used)."""
    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_text("Description", SCRIPT.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", HTML.decode())
    return png_bytes(pnginfo=info)


def png_with_eicar_chunk() -> bytes:
    info = PngInfo()
    info.add_text("Comment", EICAR.decode())
    return png_bytes(pnginfo=info)


def png_claiming_size(width: int, height: int) -> bytes:
    """A small PNG made with Pillow whose header claims ``width`` x ``height`` pixels.

    Decoding it would need width x height bytes of memory; the file is a few hundred bytes.
    """
    data = bytearray(png_bytes())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def jpeg_with_exif() -> bytes:
    """A 60x20 JPEG with EXIF: an author, GPS position and "rotate 90" orientation."""
    image = Image.new("RGB", (60, 20), "blue")
    exif = Image.Exif()
    exif[0x013B] = "Secret Author"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"<script>x</script>")
    return buffer.getvalue()


def gif_animated() -> bytes:
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=SCRIPT,
    )
    return buffer.getvalue()


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (12, 12), (0, 128, 0, 128)).save(buffer, format="WEBP")
    return buffer.getvalue()


def bmp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def zip_bytes(entries: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = bytearray(buffer.getvalue())
    if encrypted:  # zipfile cannot encrypt: set the "encrypted" flag bit in every header
        for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (start := data.find(signature, start)) != -1:
                data[start + flag_offset] |= 0x1
                start += 4
    return bytes(data)


def docx_bytes(document: bytes = b"<w:document/>") -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": document,
        }
    )


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes(
        {
            "mimetype": mimetype,
            "META-INF/manifest.xml": b"<manifest/>",
            "content.xml": b"<office:document-content/>",
        }
    )


# --- Images -----------------------------------------------------------------------------------


def clean_logo(name: str, data: bytes, **kwargs):
    options = {"max_bytes": 2 * MB, "max_pixels": 16_000_000, "label": "logo", **kwargs}
    return clean_image_upload(upload(name, data, "image/png"), **options)


def test_png_with_script_named_html_is_stored_as_png_without_the_script():
    result = clean_logo("logo.html", png_with_script())

    assert GENERATED.match(result.name)
    assert result.name.endswith(".png")
    stored = result.read()
    assert b"script" not in stored
    assert b"tEXt" not in stored
    assert b"zTXt" not in stored
    assert b"iTXt" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)
        assert image.getpixel((0, 0)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("logo.png", HTML, id="html-named-png"),
        pytest.param("logo.svg", SVG, id="svg-with-script"),
        pytest.param("logo.png", SVG, id="svg-named-png"),
        pytest.param("logo.png", PDF, id="pdf"),
        pytest.param("logo.bmp", bmp_bytes(), id="bmp-not-allowed"),
        pytest.param("logo.png", png_bytes()[:60], id="truncated-png"),
        pytest.param("logo.png", noisy_png()[:20_000], id="png-cut-in-the-middle"),
        pytest.param("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, id="png-signature-only"),
    ],
)
def test_anything_but_a_whole_allowed_image_is_refused(name, data):
    with pytest.raises(UploadRefused) as refused:
        clean_logo(name, data)
    assert refused.value.message == IMAGE_MESSAGE


def test_cut_off_images_are_refused_even_after_weasyprint_loosens_pillow():
    """WeasyPrint switches on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(UploadRefused):
            clean_logo("logo.png", noisy_png()[:20_000])
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back for WeasyPrint
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def test_eicar_named_png_is_refused_as_a_virus():
    with pytest.raises(VirusFound) as refused:
        clean_logo("logo.png", EICAR)
    assert refused.value.message == VIRUS_MESSAGE


def test_image_with_eicar_in_a_text_chunk_is_refused_as_a_virus():
    with pytest.raises(VirusFound):
        clean_logo("logo.png", png_with_eicar_chunk())


def test_decompression_bomb_refused_before_decoding():
    bomb = png_claiming_size(20_000, 20_000)  # 400 million pixels in a few hundred bytes
    assert len(bomb) < 1000

    with pytest.raises(UploadRefused) as refused:
        clean_logo("logo.png", bomb)

    assert refused.value.message == (
        "The image is too large: it must be no more than 16 million pixels. Make it smaller and "
        "upload it again"
    )


def test_image_over_our_pixel_limit_but_under_pillows_is_refused():
    data = png_bytes(size=(3000, 2000))  # 6 million pixels, a small file

    with pytest.raises(UploadRefused) as refused:
        clean_logo("logo.png", data, max_pixels=5_000_000)

    assert "no more than 5 million pixels" in refused.value.message
    assert clean_logo("logo.png", data, max_pixels=6_000_000).name.endswith(".png")


def test_animation_frames_count_towards_the_pixel_limit():
    with pytest.raises(UploadRefused):
        clean_logo("logo.gif", gif_animated(), max_pixels=250)  # 3 frames of 100 pixels
    assert clean_logo("logo.gif", gif_animated(), max_pixels=300).name.endswith(".gif")


def test_jpeg_is_re_encoded_without_exif_or_comment_and_keeps_its_orientation():
    original = jpeg_with_exif()
    assert b"Secret Author" in original

    result = clean_logo("photo.jpeg", original)

    assert GENERATED.match(result.name)
    assert result.name.endswith(".jpg")
    stored = result.read()
    assert b"Secret Author" not in stored
    assert b"Exif" not in stored
    assert b"script" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (20, 60)  # the rotation was applied to the pixels


def test_multi_picture_jpeg_from_a_camera_is_stored_as_a_plain_jpeg():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])

    result = clean_logo("photo.jpg", buffer.getvalue())

    assert result.name.endswith(".jpg")
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1


def test_animated_gif_keeps_its_frames_and_loses_its_comment():
    result = clean_logo("logo.gif", gif_animated())

    stored = result.read()
    assert b"script" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "GIF"
        assert len(list(ImageSequence.Iterator(image))) == 3


def test_webp_is_accepted_under_a_generated_name():
    result = clean_logo("logo.jpg", webp_bytes())

    assert GENERATED.match(result.name)
    assert result.name.endswith(".webp")
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == "WEBP"


def test_image_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(UploadRefused) as refused:
        clean_logo("logo.png", noisy_png(), max_bytes=20 * 1024)
    assert refused.value.message == "The logo must be smaller than 20KB"

    with pytest.raises(UploadRefused) as refused:
        clean_image_upload(upload("a.png", b"x" * (2 * MB + 1)), max_bytes=2 * MB, max_pixels=1)
    assert refused.value.message == "The image must be smaller than 2MB"


# --- Documents --------------------------------------------------------------------------------


def clean_document(name: str, data: bytes, **kwargs):
    return clean_document_upload(upload(name, data, "application/pdf"), max_bytes=5 * MB, **kwargs)


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [
        pytest.param("report.pdf", PDF, "pdf", id="pdf"),
        pytest.param("report.docx", docx_bytes(), "docx", id="docx"),
        pytest.param("report.odt", odt_bytes(), "odt", id="odt"),
        pytest.param("report.pdf", docx_bytes(), "docx", id="docx-named-pdf"),
        pytest.param("report.html", PDF, "pdf", id="pdf-named-html"),
    ],
)
def test_documents_accepted_by_content_under_a_generated_name(name, data, extension):
    result = clean_document(name, data)

    assert isinstance(result, ContentFile)
    assert GENERATED.match(result.name)
    assert result.name.endswith(f".{extension}")
    assert result.read() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("report.pdf", HTML, id="html-named-pdf"),
        pytest.param("report.pdf", b"   %PDF-1.4 but not at the start", id="pdf-magic-late"),
        pytest.param("drawing.svg", SVG, id="svg"),
        pytest.param("report.docx", SVG, id="svg-named-docx"),
        pytest.param("run.pdf", b"#!/bin/sh\nrm -rf /\n", id="shell-script"),
        pytest.param("report.docx", zip_bytes({"word/document.xml": b"x"}), id="docx-no-types"),
        pytest.param("report.docx", zip_bytes({"hello.txt": b"hi"}), id="plain-zip"),
        pytest.param("report.odt", odt_bytes(b"text/html"), id="odt-wrong-mimetype"),
        pytest.param(
            "report.odt",
            odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
            id="ods-not-allowed",
        ),
        pytest.param("data.csv", b"name,amount\nAda,1\n", id="csv-not-allowed"),
    ],
)
def test_documents_not_on_the_allow_list_are_refused_whatever_their_name(name, data):
    with pytest.raises(UploadRefused) as refused:
        clean_document(name, data)
    assert refused.value.message == (
        "The file must be a PDF, Word document (DOCX) or OpenDocument text (ODT)"
    )


def test_eicar_as_a_document_is_refused_as_a_virus():
    with pytest.raises(VirusFound) as refused:
        clean_document("report.pdf", b"%PDF-1.4\n" + EICAR)
    assert refused.value.message == VIRUS_MESSAGE


def test_zip_bomb_docx_is_refused():
    bomb = docx_bytes(b"\0" * (20 * MB))  # 20MB of zeros compresses about 1000 times
    assert len(bomb) < 100 * 1024

    with pytest.raises(UploadRefused) as refused:
        clean_document("report.docx", bomb)

    assert refused.value.message.startswith("The file is too large when opened")


def test_zip_with_too_many_entries_is_refused():
    entries = {"[Content_Types].xml": b"<Types/>"}
    entries.update({f"word/part{i}.xml": b"<p/>" for i in range(2001)})

    with pytest.raises(UploadRefused) as refused:
        clean_document("report.docx", zip_bytes(entries))

    assert refused.value.message.startswith("The file is too large when opened")


def test_encrypted_docx_is_refused_with_a_password_message():
    encrypted = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x"}, encrypted=True
    )
    with pytest.raises(UploadRefused) as refused:
        clean_document("report.docx", encrypted)
    assert refused.value.message == (
        "The file is protected with a password. Remove the password and upload it again"
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + b"\xff" * 200, id="zip-signature-then-junk"),
        pytest.param(docx_bytes()[:-30], id="truncated-docx"),
    ],
)
def test_corrupt_zip_is_refused_cleanly(data):
    with pytest.raises(UploadRefused) as refused:
        clean_document("report.docx", data)
    assert refused.value.message == (
        "The file is damaged and cannot be opened. Save it again and upload the new copy"
    )


def test_text_kinds_only_when_allowed_and_never_markup():
    result = clean_document("data.txt", b"name,amount\nAda,1\n", allowed=("pdf", "csv"))
    assert result.name.endswith(".csv")

    for data in (HTML, SVG, b"\xef\xbb\xbf<html>", b"a\0b", b"\xff\xfe\x00"):
        with pytest.raises(UploadRefused) as refused:
            clean_document("data.csv", data, allowed=("csv",))
        assert refused.value.message == "The file must be a CSV"


def test_document_over_the_size_limit_is_refused():
    with pytest.raises(UploadRefused) as refused:
        clean_document_upload(upload("a.pdf", PDF + b" " * 2048), max_bytes=2 * 1024)
    assert refused.value.message == "The file must be smaller than 2KB"


def test_unknown_document_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="exe"):
        clean_document("a.pdf", PDF, allowed=("pdf", "exe"))


# --- Form fields ------------------------------------------------------------------------------


class SampleForm(forms.Form):
    picture = ImageUploadField(max_bytes=2 * MB, max_pixels=1_000_000, required=False)
    evidence = DocumentUploadField(max_bytes=2 * MB, required=False)


def test_form_fields_return_clean_files_with_generated_names():
    form = SampleForm(
        data={},
        files={"picture": upload("a.html", png_with_script()), "evidence": upload("a.txt", PDF)},
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["picture"].name.endswith(".png")
    assert b"script" not in form.cleaned_data["picture"].read()
    assert form.cleaned_data["evidence"].name.endswith(".pdf")


def test_form_fields_show_the_refusal_as_a_field_error():
    form = SampleForm(
        data={}, files={"picture": upload("a.png", HTML), "evidence": upload("a.pdf", EICAR)}
    )

    assert not form.is_valid()
    assert form.errors["picture"] == ["The image must be a PNG, JPG, GIF or WEBP image"]
    assert form.errors["evidence"] == [VIRUS_MESSAGE]


def test_form_fields_without_an_upload():
    form = SampleForm(data={}, files={})
    assert form.is_valid()
    assert form.cleaned_data == {"picture": None, "evidence": None}


def test_empty_upload_gets_a_plain_message():
    form = SampleForm(data={}, files={"picture": upload("a.png", b"")})
    assert not form.is_valid()
    assert form.errors["picture"] == [
        "The selected file is empty. Choose a file that has something in it"
    ]


# --- Virus scanning ---------------------------------------------------------------------------


def test_builtin_scanner_finds_eicar_across_a_chunk_boundary():
    data = b"a" * (CHUNK_SIZE - 10) + EICAR + b"b" * 100
    with pytest.raises(VirusFound):
        BuiltinScanner().scan(io.BytesIO(data))
    BuiltinScanner().scan(io.BytesIO(data.replace(b"EICAR", b"EIKAR")))


class FakeClamd:
    """A small real TCP server speaking clamd's INSTREAM protocol: a peer for the protocol.

    It reads ``zINSTREAM\\0`` and length-prefixed chunks up to a zero length, then answers like
    clamd: ``stream: OK``, ``stream: Eicar-Signature FOUND`` or ``reply`` if one is given.
    """

    def __init__(self, reply: bytes | None = None):
        self.reply = reply
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, conn, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read_exactly(conn, len(b"zINSTREAM\0"))
                self.commands.append(command)
                stream = b""
                while True:
                    (length,) = struct.unpack("!L", self._read_exactly(conn, 4))
                    if length == 0:
                        break
                    stream += self._read_exactly(conn, length)
                self.received.append(stream)
                if self.reply is not None:
                    conn.sendall(self.reply)
                elif EICAR in stream:
                    conn.sendall(b"stream: Eicar-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd():
    server = FakeClamd()
    with override_settings(CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=server.port):
        yield server
    server.close()


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def test_scanner_is_chosen_by_settings():
    with override_settings(CLAMAV_HOST=""):
        assert isinstance(get_scanner(), BuiltinScanner)
    with override_settings(CLAMAV_HOST="clamav", CLAMAV_PORT=3310):
        scanner = get_scanner()
        assert isinstance(scanner, ClamdScanner)
        assert (scanner.host, scanner.port) == ("clamav", 3310)


def test_clamd_scanner_streams_the_whole_file_and_accepts_a_clean_one(clamd):
    data = png_bytes(size=(300, 300)) + b"x" * (2 * CHUNK_SIZE + 5)  # several chunks

    ClamdScanner("127.0.0.1", clamd.port).scan(io.BytesIO(data))

    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [data]


def test_uploads_go_through_clamd_when_it_is_configured(clamd):
    result = clean_logo("logo.png", png_bytes())
    assert result.name.endswith(".png")
    clean_document("report.pdf", PDF)

    with pytest.raises(VirusFound) as refused:
        clean_document("report.pdf", b"%PDF-1.4\n" + EICAR)
    assert refused.value.message == VIRUS_MESSAGE
    assert len(clamd.received) == 3


def test_clamd_error_reply_refuses_the_upload():
    server = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    try:
        with pytest.raises(ScannerUnavailable) as refused:
            ClamdScanner("127.0.0.1", server.port).scan(io.BytesIO(PDF))
    finally:
        server.close()
    assert refused.value.message == UNAVAILABLE_MESSAGE


def test_unreachable_clamd_fails_closed_and_logs_a_warning(caplog):
    port = free_port()  # nothing listens here any more
    caplog.set_level(logging.WARNING, logger="marketplace.core.uploads.scanning")
    logging.getLogger("marketplace.core.uploads.scanning").disabled = False
    with (
        override_settings(CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=port, CLAMAV_TIMEOUT=2),
        pytest.raises(ScannerUnavailable) as refused,
    ):
        clean_logo("logo.png", png_bytes())
    assert refused.value.message == UNAVAILABLE_MESSAGE
    assert any(
        record.levelname == "WARNING" and "unreachable" in record.getMessage()
        for record in caplog.records
    )


# --- Serving media ----------------------------------------------------------------------------


@pytest.fixture
def stored():
    names = []

    def save(name: str, data: bytes) -> str:
        saved = default_storage.save(f"tests/{name}", ContentFile(data))
        names.append(saved)
        return saved

    yield save
    for name in names:
        default_storage.delete(name)


def media_url(name: str) -> str:
    return reverse("media", args=[name])


def assert_inert(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "html" not in response["Content-Type"]
    assert "svg" not in response["Content-Type"]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("logo.png", png_bytes(), "image/png"),
        ("photo.jpg", jpeg_with_exif(), "image/jpeg"),
        ("photo.JPEG", jpeg_with_exif(), "image/jpeg"),
        ("anim.gif", gif_animated(), "image/gif"),
        ("logo.webp", webp_bytes(), "image/webp"),
    ],
)
def test_media_serves_raster_images_inline(client, stored, name, data, content_type):
    response = client.get(media_url(stored(name, data)))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    assert_inert(response)
    assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("report.pdf", "application/pdf"),
        (
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("report.odt", "application/vnd.oasis.opendocument.text"),
        ("page.html", "application/octet-stream"),
        ("page.HTM", "application/octet-stream"),
        ("drawing.svg", "application/octet-stream"),
        ("script.js", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_media_serves_everything_else_as_a_download(client, stored, name, content_type):
    response = client.get(media_url(stored(name, HTML)))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert_inert(response)


def test_media_head_request_and_post_refused(client, stored):
    url = media_url(stored("logo.png", png_bytes()))
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.django_db  # the 404 page reads the site settings
@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/tests/../../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/..%2fmanage.py",
        "/media//etc/passwd",
        "/media/tests/./logo.png",
        "/media/tests%5c..%5c..%5cmanage.py",
        "/media/tests/missing.png",
        "/media/tests",
    ],
)
def test_media_refuses_traversal_and_missing_files(client, stored, path):
    stored("logo.png", png_bytes())
    assert client.get(path).status_code == 404


# --- Wagtail documents and images ------------------------------------------------------------


def document_form(file):
    Document = get_document_model()
    form_class = get_document_form(Document)
    return form_class(data={"title": "Guidance"}, files={"file": file}, instance=Document())


@pytest.mark.django_db
def test_cms_documents_are_checked_by_content_and_renamed(staff_user):
    form = document_form(upload("guide.pdf", HTML, "application/pdf"))
    assert not form.is_valid()
    assert form.errors["file"][0].startswith("The file must be a PDF, Word document (DOCX), ")

    form = document_form(upload("guide.pdf", b"%PDF-1.4\n" + EICAR))
    assert not form.is_valid()
    assert form.errors["file"] == [VIRUS_MESSAGE]

    form = document_form(upload("guide.pdf", PDF, "application/pdf"))
    assert form.is_valid(), form.errors
    document = form.save()
    assert re.match(r"^documents/[0-9a-f]{32}\.pdf$", document.file.name)


@pytest.mark.django_db
def test_cms_documents_are_downloaded_never_shown_inline(client, settings, tmp_path):
    # Wagtail serves documents by their file system path, which the in-memory test storage
    # claims to have but does not fill.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    Document = get_document_model()
    document = Document.objects.create(title="Guidance", file=ContentFile(PDF, name="guidance.pdf"))

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    document.file.delete(save=False)


@pytest.mark.django_db
def test_cms_images_are_scanned():
    Image_ = get_image_model()
    form_class = get_image_form(Image_)

    form = form_class(
        data={"title": "Logo"},
        files={"file": upload("logo.png", png_with_eicar_chunk(), "image/png")},
        instance=Image_(),
    )
    assert not form.is_valid()
    assert form.errors["file"] == [VIRUS_MESSAGE]

    form = form_class(
        data={"title": "Logo"},
        files={"file": upload("logo.svg", SVG, "image/svg+xml")},
        instance=Image_(),
    )
    assert not form.is_valid()

    form = form_class(
        data={"title": "Logo"},
        files={"file": upload("logo.png", png_bytes(), "image/png")},
        instance=Image_(),
    )
    assert form.is_valid(), form.errors
