"""Feedback pages (included from ``marketplace.urls`` with ``path("", include("feedback.urls"))``)."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
    path("reviews/<int:pk>/dispute/", views.review_dispute, name="review_dispute"),
    path("contracts/<str:reference>/review/", views.review_contract, name="review_contract"),
    path(
        "contracts/<str:reference>/milestones/<int:milestone_id>/review/",
        views.review_milestone,
        name="review_milestone",
    ),
    path("suppliers/<slug:slug>/reviews/", views.supplier_reviews, name="supplier_reviews"),
    path("buyers/<slug:slug>/feedback/", views.buyer_feedback, name="buyer_feedback"),
    path(
        "challenges/<slug:slug>/process-feedback/",
        views.process_feedback,
        name="process_feedback",
    ),
    path("debrief/<int:pk>/useful/", views.debrief_useful, name="debrief_useful"),
]
