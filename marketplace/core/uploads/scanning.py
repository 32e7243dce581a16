"""Virus scanning for every upload.

``get_scanner()`` returns a ``ClamdScanner`` when ``CLAMAV_HOST`` is set (docker compose sets
``CLAMAV_URL=tcp://clamav:3310``), otherwise the ``BuiltinScanner``, which only knows the EICAR
test string: enough to prove the wiring end to end where no clamd runs.

A configured scanner that cannot be reached refuses the upload (fail closed): an unscanned file
is never stored.
"""

from __future__ import annotations

import io
import logging
import socket
import struct

from django.conf import settings

from ._common import (
    SCANNER_UNAVAILABLE_MESSAGE,
    VIRUS_MESSAGE,
    ScannerUnavailable,
    VirusFound,
    rewind,
)

logger = logging.getLogger(__name__)

# The standard anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK_SIZE = 64 * 1024


class UploadScanner:
    """Checks one file. ``scan`` returns when the file is clean and raises ``VirusFound`` (or
    ``ScannerUnavailable``) otherwise; both carry a message to show the user as written."""

    def scan(self, fileobj) -> None:
        raise NotImplementedError


class BuiltinScanner(UploadScanner):
    """Refuses files containing the EICAR test string anywhere. Used when no clamd is set up."""

    def scan(self, fileobj) -> None:
        overlap = b""
        for chunk in _chunks(fileobj):
            if EICAR in overlap + chunk:
                raise VirusFound(VIRUS_MESSAGE)
            overlap = chunk[-len(EICAR) :]


class ClamdScanner(UploadScanner):
    """Streams the file to clamd with the INSTREAM command over TCP.

    Protocol (clamd(8)): send ``zINSTREAM\\0``, then chunks each prefixed with their length as a
    4-byte big-endian integer, then a zero length. clamd answers ``stream: OK\\0``,
    ``stream: <signature> FOUND\\0`` or ``... ERROR\\0``.
    """

    def __init__(self, host: str, port: int = 3310, timeout: float = 30.0):
        self.host = host
        self.port = port
        self.timeout = timeout

    def scan(self, fileobj) -> None:
        try:
            reply = self._instream(fileobj)
        except OSError as exc:  # refused, reset, timed out, name not found
            logger.warning(
                "Virus scanner at %s:%s unreachable, upload refused: %s", self.host, self.port, exc
            )
            raise ScannerUnavailable(SCANNER_UNAVAILABLE_MESSAGE) from None
        if reply.endswith(" OK"):
            return
        if reply.endswith(" FOUND"):
            logger.warning("Virus scanner refused an upload: %s", reply)
            raise VirusFound(VIRUS_MESSAGE)
        logger.warning(
            "Virus scanner at %s:%s answered %r, upload refused", self.host, self.port, reply
        )
        raise ScannerUnavailable(SCANNER_UNAVAILABLE_MESSAGE)

    def _instream(self, fileobj) -> str:
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
            conn.sendall(b"zINSTREAM\0")
            for chunk in _chunks(fileobj):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = conn.recv(4096)
                if not data:
                    break
                reply += data
                if len(reply) > 64 * 1024:
                    break
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def get_scanner() -> UploadScanner:
    """The scanner the settings ask for, read at call time so tests can change settings."""
    host = getattr(settings, "CLAMAV_HOST", "")
    if host:
        return ClamdScanner(
            host,
            int(getattr(settings, "CLAMAV_PORT", 3310)),
            float(getattr(settings, "CLAMAV_TIMEOUT", 30)),
        )
    return BuiltinScanner()


def scan_bytes(data: bytes) -> None:
    """Scan bytes already read from an upload with the configured scanner."""
    get_scanner().scan(io.BytesIO(data))


def _chunks(fileobj):
    rewind(fileobj)
    while chunk := fileobj.read(CHUNK_SIZE):
        yield chunk
