"""What the feedback app contributes to the site (see ``marketplace.core.registry``): dashboard
panels, the rating and reviews on a supplier's profile, the moderation queue count, API routers
and demo data; and the receivers for the contracts app's domain events."""

from marketplace.core.registry import (
    ApiRouter,
    BulkLookup,
    DashboardPanel,
    DemoSeeder,
    PageAction,
    StaffQueue,
    register,
)


def _moderation_summary():
    from .selectors import moderation_summary

    return moderation_summary()


def _moderation_url() -> str:
    from django.urls import reverse

    return reverse("feedback_moderation:index")


def _lazy(name: str):
    def call(*args):
        from . import selectors

        return getattr(selectors, name)(*args)

    return call


def register_contributions() -> None:
    from . import demo, receivers, selectors
    from .api import buyers_router, suppliers_router

    receivers.connect()
    register(
        DashboardPanel(
            key="feedback.buyer",
            template="feedback/_dashboard_buyer.html",
            context=_lazy("buyer_dashboard_context"),
            order=40,
        )
    )
    register(
        DashboardPanel(
            key="feedback.supplier",
            template="feedback/_dashboard_supplier.html",
            context=_lazy("supplier_dashboard_context"),
            order=40,
        )
    )
    register(
        PageAction(
            key="feedback.profile_rating",
            page="supplier_profile",
            template="feedback/_profile_rating.html",
            context=_lazy("profile_rating_context"),
            order=10,
        )
    )
    # The supplier profile template offers this slot where "Reviews from buyers" goes.
    register(
        PageAction(
            key="feedback.profile_reviews",
            page="supplier_profile_reviews",
            template="feedback/_profile_reviews.html",
            context=_lazy("profile_reviews_context"),
        )
    )
    register(
        StaffQueue(
            key="feedback.moderation",
            label="Reviews and replies to moderate",
            summary=_moderation_summary,
            url=_moderation_url,
            order=40,
        )
    )
    # Two routers under existing prefixes: the paths (/{id}/reviews, /{id}/feedback) are new.
    register(ApiRouter(key="feedback.suppliers", prefix="/suppliers", router=suppliers_router))
    register(ApiRouter(key="feedback.buyers", prefix="/buyers", router=buyers_router))
    register(DemoSeeder(key="feedback", run=demo.seed, order=80))
    # The supplier API's ``rating`` field, one query per page (suppliers never imports us).
    register(BulkLookup(key="supplier_rating", resolve=selectors.rating_for_suppliers))
