"""Supplier profiles: one per supplier organisation, reused by every application ("tell us once").

Derived values (SME band, location fields from the postcode) are computed by services, never
typed in by the supplier. Status changes only through ``suppliers.services``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from marketplace.accounts.models import Organisation, User
from marketplace.core import money
from marketplace.core.models import TimeStampedModel

from . import lifecycle

# £100 billion, the one limit every money input shares (marketplace.core.money.parse_gbp).
MAX_PENCE = money.MAX_PENCE

# Who the supplier is. On an approved profile, changes to these wait for a platform admin
# (``pending_identity``) so a supplier cannot rename itself "NHS England" unchecked.
IDENTITY_FIELDS = ("legal_name", "trading_name", "company_number", "charity_number", "vat_number")
IDENTITY_LABELS = {
    "legal_name": "legal name",
    "trading_name": "trading name",
    "company_number": "company number",
    "charity_number": "charity number",
    "vat_number": "VAT number",
}


class Region(models.Model):
    """The 12 UK ITL1 regions (TLC North East ... TLN Northern Ireland)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Capability(models.Model):
    """A node of the capabilities taxonomy. Headings have no parent; entries sit under one."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["parent__order", "order", "name"]
        verbose_name_plural = "capabilities"

    def __str__(self) -> str:
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name


class SupplierProfile(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    # The lifecycle, declared once (see suppliers/lifecycle.py for the diagram).
    TRANSITIONS = lifecycle.profile_transitions(Status)
    EDITABLE_STATUSES = lifecycle.editable_statuses(Status)

    class SizeBand(models.TextChoices):
        MICRO = "micro", "Micro"
        SMALL = "small", "Small"
        MEDIUM = "medium", "Medium"
        LARGE = "large", "Large"

    class VCSEType(models.TextChoices):
        NONE = "", "Not a VCSE"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        CHARITY = "charity", "Charity"
        COOPERATIVE = "cooperative", "Co-operative"

    class InnovationType(models.TextChoices):
        RADICAL = "radical", "Radical"
        DISRUPTIVE = "disruptive", "Disruptive"
        INCREMENTAL = "incremental", "Incremental"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="supplier_profile"
    )
    slug = models.SlugField(max_length=220, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    # Who they are
    legal_name = models.CharField(max_length=200)
    trading_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    company_number_verified = models.BooleanField(default=False)
    charity_number = models.CharField(max_length=20, blank=True)
    vat_number = models.CharField(max_length=14, blank=True)
    # Identity changes to an approved profile, waiting for review: {field: proposed value}.
    # The fields above keep the last approved values, which are what the public sees.
    pending_identity = models.JSONField(default=dict, blank=True)
    identity_submitted_at = models.DateTimeField(null=True, blank=True)
    website = models.URLField(blank=True)
    summary = models.TextField(blank=True, help_text="What the company does, in plain English")
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    logo = models.ImageField(upload_to="supplier-logos/", blank=True)

    # Size: inputs typed by the supplier, band computed by services.sizing.classify_size
    staff_headcount = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5_000_000)]
    )
    turnover_pence = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    balance_sheet_pence = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, blank=True, db_index=True)
    is_sme = models.BooleanField(null=True, blank=True, db_index=True)

    vcse_type = models.CharField(max_length=20, choices=VCSEType.choices, blank=True)
    is_vcse = models.BooleanField(default=False, db_index=True)

    # Where they are (filled from the postcode by services using marketplace.core.geo)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True, db_index=True)
    district_code = models.CharField(max_length=9, blank=True)
    district_name = models.CharField(max_length=100, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="suppliers_based"
    )
    country = models.CharField(max_length=20, blank=True)
    regions_served = models.ManyToManyField(Region, blank=True, related_name="suppliers_serving")
    serves_whole_uk = models.BooleanField(default=False)
    remote_delivery = models.BooleanField(default=False)

    # What they do
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="suppliers")
    innovation_type = models.CharField(max_length=20, choices=InnovationType.choices, blank=True)
    innovation_evidence = models.TextField(blank=True)
    has_public_sector_experience = models.BooleanField(null=True, blank=True)

    # Onboarding pages the supplier has answered. Some answers are valid when blank ("not a
    # VCSE"), so the task list needs this to tell "answered" from "not started".
    completed_steps = models.JSONField(default=list, blank=True)

    # Review trail
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_reasons = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company_number"],
                condition=~Q(company_number=""),
                name="supplier_unique_company_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="supplier_approved_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=49)
                    & Q(latitude__lte=61)
                    & Q(longitude__gte=-9)
                    & Q(longitude__lte=3)
                ),
                name="supplier_location_in_uk",
            ),
        ]
        indexes = [models.Index(fields=["status", "legal_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def pending_identity_changes(self) -> list[dict[str, str]]:
        """Identity changes waiting for review, as ``{"field", "label", "value"}`` in form order."""
        pending = self.pending_identity or {}
        return [
            {"field": name, "label": IDENTITY_LABELS[name], "value": pending[name]}
            for name in IDENTITY_FIELDS
            if name in pending
        ]


class Certification(TimeStampedModel):
    class Scheme(models.TextChoices):
        CYBER_ESSENTIALS = "cyber_essentials", "Cyber Essentials"
        CYBER_ESSENTIALS_PLUS = "cyber_essentials_plus", "Cyber Essentials Plus"
        ISO_27001 = "iso_27001", "ISO 27001"
        ISO_9001 = "iso_9001", "ISO 9001"
        ISO_14001 = "iso_14001", "ISO 14001"
        OTHER = "other", "Other"

    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="certifications"
    )
    scheme = models.CharField(max_length=30, choices=Scheme.choices)
    other_name = models.CharField(max_length=100, blank=True)
    certificate_number = models.CharField(max_length=50, blank=True)
    expires_on = models.DateField()

    class Meta:
        ordering = ["scheme", "expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scheme="other") | ~Q(other_name=""),
                name="certification_other_named",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.other_name if self.scheme == self.Scheme.OTHER else self.get_scheme_display()

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class CaseStudy(TimeStampedModel):
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="case_studies"
    )
    title = models.CharField(max_length=150)
    buyer_name = models.CharField(max_length=150)
    is_public_sector = models.BooleanField(default=True)
    challenge = models.TextField(help_text="The problem the buyer had")
    outcome = models.TextField(
        help_text="What changed because of your work, with numbers if you have them"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-end_date", "-start_date", "title"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="case_study_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Listing(TimeStampedModel):
    class Kind(models.TextChoices):
        PRODUCT = "product", "Product"
        SERVICE = "service", "Service"
        PROOF_OF_CONCEPT = "proof_of_concept", "Proof-of-concept offer"

    class PriceModel(models.TextChoices):
        FIXED = "fixed", "Fixed price"
        PER_USER = "per_user", "Per user"
        DAY_RATE = "day_rate", "Day rate"
        OUTCOME_BASED = "outcome_based", "Outcome-based"

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="listings")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    title = models.CharField(max_length=150)
    summary = models.TextField()
    price_model = models.CharField(max_length=20, choices=PriceModel.choices)
    price_pence = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="listings")

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title
