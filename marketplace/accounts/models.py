import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from marketplace.core.models import TimeStampedModel
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; belongs to organisations through memberships."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform admins: can use the CMS and admin screens."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    # Wagtail's admin shows these.
    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    @property
    def first_name(self) -> str:
        return self.get_short_name()

    @property
    def last_name(self) -> str:
        return ""

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        BUYER = "buyer", "Buyer"
        SUPPLIER = "supplier", "Supplier"
        PROGRAMME = "programme", "Programme"

    class BuyerType(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS = "nhs", "NHS body"
        CENTRAL_GOVERNMENT = "central_government", "Central government"
        OTHER = "other", "Other public body"

    class VerificationStatus(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    buyer_type = models.CharField(max_length=30, choices=BuyerType.choices, blank=True)
    website = models.URLField(blank=True)

    # Buying organisations registered by their own staff wait for a platform admin to verify
    # them. Organisations that platform admins create themselves are trusted from the start,
    # hence the default. Only the services in ``services_buyers`` change these columns, so no
    # admin form offers them.
    verification_status = models.CharField(
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.VERIFIED,
        editable=False,
    )
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations_requested",
        editable=False,
    )
    requester_job_title = models.CharField(max_length=150, blank=True, editable=False)
    # What the allow-list said when the request arrived; staff decide either way.
    email_domain_recognised = models.BooleanField(default=False, editable=False)
    matched_domain = models.CharField(max_length=253, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rejected_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejected_by = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rejection_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(verification_status="pending") | Q(requested_at__isnull=False),
                name="organisation_pending_has_request_time",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status="rejected")
                | (Q(rejected_at__isnull=False) & ~Q(rejection_reason="")),
                name="organisation_rejected_has_time_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.VerificationStatus.VERIFIED

    @property
    def is_verification_pending(self) -> bool:
        return self.verification_status == self.VerificationStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.verification_status == self.VerificationStatus.REJECTED

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name)[:200] or "organisation"
            slug, n = base, 2
            while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    BUYER = "buyer", "Buyer"
    COMMISSIONER = "commissioner", "Commissioner"
    ASSESSOR = "assessor", "Assessor"
    SUPPLIER_ADMIN = "supplier_admin", "Supplier admin"
    SUPPLIER_MEMBER = "supplier_member", "Supplier team member"


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND = {
    Organisation.Kind.BUYER: {Role.BUYER, Role.COMMISSIONER, Role.ASSESSOR},
    Organisation.Kind.PROGRAMME: {Role.BUYER, Role.COMMISSIONER, Role.ASSESSOR},
    Organisation.Kind.SUPPLIER: {Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER},
}
# The role that administers each kind of organisation: invites colleagues, manages members.
# Every other rule about "organisation admins" reads this one table.
ADMIN_ROLE_BY_KIND = {
    Organisation.Kind.BUYER: Role.BUYER,
    Organisation.Kind.PROGRAMME: Role.BUYER,
    Organisation.Kind.SUPPLIER: Role.SUPPLIER_ADMIN,
}
ADMIN_ROLES = frozenset(ADMIN_ROLE_BY_KIND.values())


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(TimeStampedModel):
    """An organisation admin asks a colleague to join with a role. Accepted once, then spent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    TRANSITIONS = TransitionTable(
        prefix="invitation",
        transitions=[
            Transition("accept", source={Status.PENDING}, target=Status.ACCEPTED),
            Transition(
                "revoke", source={Status.PENDING}, target=Status.REVOKED, done="Invitation revoked"
            ),
        ],
        styles={
            Status.PENDING: StatusStyle("blue", next_step="Accept the invitation"),
            Status.ACCEPTED: StatusStyle(
                "green",
                description="This invitation has already been used.",
            ),
            Status.REVOKED: StatusStyle(
                "grey",
                description=(
                    "This invitation has been revoked. Ask the person who invited you to send "
                    "a new one."
                ),
            ),
        },
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Blank once the inviting user is deleted (SET_NULL); the invitation stays valid.
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
                name="invitation_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class PublicSectorDomain(models.Model):
    """An email domain that public-sector bodies use ("gov.uk", "nhs.net", "leeds.gov.uk").

    A buyer registration whose email address is at this domain, or at any domain under it, is
    marked "email domain recognised". Platform admins keep the list in the Wagtail admin.
    """

    domain = models.CharField(
        max_length=253,
        unique=True,
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
                "Enter a domain in lower case without @ or www, like leeds.gov.uk",
            )
        ],
        help_text="Without @ or www, like gov.uk or leeds.gov.uk. Addresses at any domain "
        "under it match too.",
    )
    organisation_hint = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who uses this domain, for example All NHS organisations",
    )
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = "public-sector email domain"

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)
