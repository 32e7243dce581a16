"""Payment URLs, included by ``contracts.urls`` (so their names are ``contracts:<name>``)."""

from django.urls import path

from . import views_payments as views
from .webhooks import stripe_webhook

urlpatterns = [
    path("payments/webhook/stripe", stripe_webhook, name="stripe_webhook"),
    path("billing/", views.billing, name="billing"),
    path("billing/<slug:slug>/start/", views.billing_start, name="billing_start"),
    path("billing/<slug:slug>/done/", views.billing_done, name="billing_done"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/<int:pk>/start/", views.payouts_start, name="payouts_start"),
    path("payouts/<int:pk>/return/", views.payouts_return, name="payouts_return"),
    path("payouts/<int:pk>/refresh/", views.payouts_start, name="payouts_refresh"),
]
