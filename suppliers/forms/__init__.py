"""Onboarding question pages and the platform admin's review form.

Forms only parse and check what was typed; the services apply the rules and save. Every error
message says what went wrong and how to fix it, in GOV.UK style.

The forms live in submodules and are re-exported here, so ``from suppliers import forms`` and
``from suppliers.forms import NameForm`` keep working:

- ``_fields``: shared text and money fields, money parsing and the capability picker
- ``onboarding``: the question pages that build up the supplier profile
- ``evidence``: certifications, case studies and listings
- ``review``: the platform admin's review decision
"""

from ._fields import (
    CapabilityChoiceField,
    GroupedCapabilityField,
    MoneyInput,
    in_sentence,
    money,
    pounds_initial,
    text,
)
from .evidence import YES_NO, CaseStudyForm, CertificationForm, ListingForm
from .onboarding import (
    INNOVATION_NONE,
    LOGO_FORMATS,
    LOGO_MESSAGE,
    MAX_LOGO_BYTES,
    VCSE_NONE,
    AboutForm,
    AddressForm,
    CapabilitiesForm,
    CompanyForm,
    ContactForm,
    InnovationForm,
    NameForm,
    NewSupplierForm,
    RegionsForm,
    SizeForm,
    VCSEForm,
)
from .review import ReviewForm

__all__ = [
    # shared fields and helpers
    "CapabilityChoiceField",
    "GroupedCapabilityField",
    "MoneyInput",
    "in_sentence",
    "money",
    "pounds_initial",
    "text",
    # onboarding question pages
    "INNOVATION_NONE",
    "LOGO_FORMATS",
    "LOGO_MESSAGE",
    "MAX_LOGO_BYTES",
    "VCSE_NONE",
    "AboutForm",
    "AddressForm",
    "CapabilitiesForm",
    "CompanyForm",
    "ContactForm",
    "InnovationForm",
    "NameForm",
    "NewSupplierForm",
    "RegionsForm",
    "SizeForm",
    "VCSEForm",
    # evidence
    "YES_NO",
    "CaseStudyForm",
    "CertificationForm",
    "ListingForm",
    # admin review
    "ReviewForm",
]
