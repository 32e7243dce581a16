"""Identifiers a supplier gives us: Companies House company numbers and UK VAT numbers.

Each rule lives here once; forms call the normalisers to give early feedback and services call
them again before saving, so neither imports the other.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import vat as gb_vat

from marketplace.core.errors import ValidationFailed

# --- Companies House company numbers ----------------------------------------------------------
# Companies registered in England and Wales have 8 digits (leading zeros count). Everything else
# has a two-character prefix followed by 6 digits.
COMPANY_NUMBER_PREFIXES: dict[str, str] = {
    "SC": "Company registered in Scotland",
    "NI": "Company registered in Northern Ireland",
    "R0": "Company registered in Northern Ireland before partition",
    "OC": "Limited liability partnership (England and Wales)",
    "SO": "Limited liability partnership (Scotland)",
    "NC": "Limited liability partnership (Northern Ireland)",
    "LP": "Limited partnership (England and Wales)",
    "SL": "Limited partnership (Scotland)",
    "NL": "Limited partnership (Northern Ireland)",
    "FC": "Overseas company (England and Wales)",
    "SF": "Overseas company (Scotland)",
    "NF": "Overseas company (Northern Ireland)",
    "GE": "European Economic Interest Grouping (England and Wales)",
    "GS": "European Economic Interest Grouping (Scotland)",
    "GN": "European Economic Interest Grouping (Northern Ireland)",
    "IP": "Industrial and provident society (England and Wales)",
    "SP": "Industrial and provident society (Scotland)",
    "NP": "Industrial and provident society (Northern Ireland)",
    "RS": "Registered society",
    "IC": "Investment company with variable capital (England and Wales)",
    "SI": "Investment company with variable capital (Scotland)",
    "NV": "Investment company with variable capital (Northern Ireland)",
    "RC": "Royal Charter company (England and Wales)",
    "SR": "Royal Charter company (Scotland)",
    "NR": "Royal Charter company (Northern Ireland)",
    "SE": "European public limited-liability company (Societas Europaea)",
    "CE": "Charitable incorporated organisation (England and Wales)",
    "CS": "Charitable incorporated organisation (Scotland)",
    "AC": "Assurance company (England and Wales)",
    "SA": "Assurance company (Scotland)",
    "NA": "Assurance company (Northern Ireland)",
    "ZC": "Unregistered company (England and Wales)",
    "SZ": "Unregistered company (Scotland)",
    "NZ": "Unregistered company (Northern Ireland)",
}
_COMPANY_NUMBER_RE = re.compile(r"^(?:\d{8}|(?P<prefix>[A-Z][A-Z0-9])\d{6})$")

COMPANY_NUMBER_FORMAT_MESSAGE = (
    "Enter a company number in the correct format: 8 digits, like 01234567, or 2 letters and "
    "6 digits, like SC123456"
)
COMPANY_NUMBER_TAKEN_MESSAGE = (
    "An organisation with this company number has already joined. If it is yours, ask its "
    "supplier admin to invite you"
)
# Passes the VAT number check-digit test, so a supplier who copies the example is not refused.
VAT_NUMBER_EXAMPLE = "GB 123 4567 82"
VAT_NUMBER_MESSAGE = (
    f"Enter a real UK VAT number, like {VAT_NUMBER_EXAMPLE}. Check it against your VAT certificate"
)


def normalise_company_number(value: str) -> str:
    """Return the company number in Companies House form, or raise ``ValidationFailed``."""
    compact = re.sub(r"[\s\-]", "", value or "").upper()
    if not compact:
        return ""
    match = _COMPANY_NUMBER_RE.match(compact)
    if not match or (match["prefix"] and match["prefix"] not in COMPANY_NUMBER_PREFIXES):
        raise ValidationFailed(COMPANY_NUMBER_FORMAT_MESSAGE, field="company_number")
    return compact


def normalise_vat_number(value: str) -> str:
    """Return a checked UK VAT number as ``GB`` + digits, or raise ``ValidationFailed``."""
    if not (value or "").strip():
        return ""
    if len(value) > 30:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number")
    try:
        return "GB" + gb_vat.validate(value)
    except StdnumValidationError:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number") from None
