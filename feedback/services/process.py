"""Suppliers' anonymous feedback on a buyer's process, and whether a debrief was useful."""

from django.db import IntegrityError, transaction

from challenges.models import Application, Challenge
from marketplace.accounts.models import Role, User
from marketplace.accounts.permissions import has_role
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed
from suppliers.models import SupplierProfile

from ..models import ProcessFeedback
from ..models.process import PROCESS_FIELDS

# A supplier may rate a buyer's process once the buyer has decided on its application.
DECIDED = (
    Application.Status.FUNDED,
    Application.Status.RESERVE,
    Application.Status.UNFUNDED,
    Application.Status.INELIGIBLE,
)


@transaction.atomic
def process_feedback_submit(
    *, challenge: Challenge, supplier: SupplierProfile, by: User, ratings: dict
) -> ProcessFeedback:
    """Record one supplier's ratings of a buyer's process for one challenge (once)."""
    if not has_role(by, supplier.organisation, (Role.SUPPLIER_ADMIN,)):
        raise PermissionDenied("Only the supplier's admins can give feedback for it")
    if not Application.objects.filter(
        supplier=supplier, phase__challenge=challenge, status__in=DECIDED
    ).exists():
        raise ValidationFailed(
            "You can give feedback on a buyer once it has decided on your application"
        )
    cleaned = {}
    for name in PROCESS_FIELDS:
        value = ratings.get(name)
        if value is None and name == "payment_speed":
            cleaned[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationFailed("Choose a rating from 1 to 5", field=name)
        cleaned[name] = value
    feedback = ProcessFeedback(
        buyer_id=challenge.buyer_id, challenge=challenge, supplier=supplier, **cleaned
    )
    feedback.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        raise ValidationFailed("You have already given feedback on this challenge") from None
    # No supplier in the payload: the audit trail must not undo the anonymity either.
    audit(by, "process_feedback.submitted", None, buyer=challenge.buyer_id)
    return feedback


@transaction.atomic
def debrief_mark_useful(*, application: Application, by: User, useful: bool) -> Application:
    """The applicant says whether the feedback released after assessment was useful."""
    application = (
        Application.objects.select_for_update()
        .select_related("phase", "supplier__organisation")
        .get(pk=application.pk)
    )
    if not has_role(
        by, application.supplier.organisation, (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)
    ):
        raise PermissionDenied("Only the applicant can rate its feedback")
    if application.phase.feedback_released_at is None:
        raise ValidationFailed("Feedback on this application has not been released yet")
    application.feedback_useful = bool(useful)
    application.save(update_fields=["feedback_useful", "updated_at"])
    audit(by, "application.feedback_rated", application, useful=bool(useful))
    return application
