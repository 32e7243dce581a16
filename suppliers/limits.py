"""Limits and messages that forms and services share, so neither imports the other."""

MAX_STAFF = 5_000_000
MAX_REASONS_LENGTH = 5000

# Slugs that would shadow fixed paths under /suppliers/.
RESERVED_SLUGS = {"join", "new", "search", "map", "api", "export", "csv"}

CERTIFICATE_EXPIRED_MESSAGE = (
    "The expiry date must be today or in the future. You cannot add a certificate that has expired"
)
