"""Joining the marketplace and editing the supplier profile (owned by the onboarding work)."""

urlpatterns: list = []
