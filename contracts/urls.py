"""Contract pages. Payments (billing set-up, payouts, the Stripe webhook) and the commissioner
portfolio are in their own URL modules, included here."""

from django.urls import include, path

from .views import changes, claims, documents
from .views import contracts as views

app_name = "contracts"

contract = "contracts/<str:reference>/"
claim = "claims/<str:reference>/"
change = "changes/<int:pk>/"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path(contract, views.contract_detail, name="detail"),
    path(contract + "accept/", views.contract_accept, name="accept"),
    path(contract + "complete/", views.contract_complete, name="complete"),
    path(contract + "terminate/", views.contract_terminate, name="terminate"),
    path(contract + "milestones/<int:pk>/claim/", claims.milestone_claim, name="milestone_claim"),
    path(contract + "milestones/<int:pk>/not-met/", views.milestone_not_met, name="not_met"),
    path(contract + "outcomes/<int:pk>/claim/", claims.outcome_claim, name="outcome_claim"),
    path(contract + "changes/new/", changes.change_new, name="change_new"),
    path(contract + "documents/<int:pk>/", documents.document_download, name="document"),
    path(claim, claims.claim_detail, name="claim"),
    path(claim + "review/", claims.claim_review, name="claim_review"),
    path(claim + "respond/", claims.claim_respond, name="claim_respond"),
    path(claim + "evidence/<int:pk>/", claims.evidence_download, name="evidence"),
    path(change, changes.change_detail, name="change"),
    path(change + "decide/", changes.change_decide, name="change_decide"),
    path(change + "withdraw/", changes.change_withdraw, name="change_withdraw"),
    path("", include("contracts.urls_payments")),
    path("", include("contracts.urls_portfolio")),
]
