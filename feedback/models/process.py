"""Suppliers' anonymous feedback on a buyer's process, shown only in aggregate.

The supplier is stored so one supplier answers once per challenge and so eligibility can be
checked; it is never shown, and aggregates appear only from ``ANONYMITY_THRESHOLD`` responses.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from challenges.models import Challenge
from marketplace.accounts.models import Organisation
from marketplace.core.models import TimeStampedModel
from suppliers.models import SupplierProfile

PROCESS_FIELDS = (
    "clarity",
    "assessment_fairness",
    "assessment_speed",
    "feedback_quality",
    "payment_speed",
)
# With fewer responses than this, no aggregate is shown, so no single supplier is identifiable.
ANONYMITY_THRESHOLD = 5


def _rating(*, optional: bool = False, **kwargs):
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        null=optional,
        blank=optional,
        **kwargs,
    )


class ProcessFeedback(TimeStampedModel):
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="process_feedback"
    )
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="+")
    clarity = _rating()
    assessment_fairness = _rating()
    assessment_speed = _rating()
    feedback_quality = _rating()
    # Only suppliers who were paid can rate payment speed.
    payment_speed = _rating(optional=True)

    class Meta:
        verbose_name = "process feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "challenge"], name="process_feedback_one_per_challenge"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | (Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5})),
                    name=f"process_feedback_{name}_1_to_5",
                )
                for name in PROCESS_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"Process feedback on {self.buyer}"
