"""The commissioner portfolio's URLs; ``contracts.urls`` includes them (names are in the
``contracts`` namespace: ``contracts:portfolio`` and so on)."""

from django.urls import path

from . import views_portfolio as views

urlpatterns = [
    path("commissioning/", views.portfolio, name="portfolio"),
    path("commissioning/export.csv", views.export_csv, name="portfolio_export"),
    path("commissioning/remittance.csv", views.remittance_csv, name="portfolio_remittance"),
    path(
        "commissioning/contracts/<str:reference>/decision/",
        views.decision,
        name="portfolio_decision",
    ),
]
