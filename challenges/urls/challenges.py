"""URLs for challenges: public list and detail, buyer drafting and approval, Q&A."""

from django.urls import path

from ..views import manage, public, questions

urlpatterns = [
    path("challenges/", public.challenge_list, name="list"),
    path("challenges/alerts/", public.alert_preferences, name="alert_preferences"),
    path("challenges/manage/", manage.index, name="manage_index"),
    path("challenges/manage/new/", manage.create, name="manage_create"),
    path(
        "challenges/manage/invite-supplier/<slug:supplier_slug>/",
        manage.invite_supplier,
        name="invite_supplier",
    ),
    path("challenges/manage/<slug:slug>/", manage.detail, name="manage_detail"),
    path("challenges/manage/<slug:slug>/details/", manage.edit_details, name="manage_details"),
    path("challenges/manage/<slug:slug>/place/", manage.edit_place, name="manage_place"),
    path("challenges/manage/<slug:slug>/phases/new/", manage.phase_edit, name="manage_phase_add"),
    path(
        "challenges/manage/<slug:slug>/phases/<int:number>/",
        manage.phase_detail,
        name="manage_phase",
    ),
    path(
        "challenges/manage/<slug:slug>/phases/<int:number>/edit/",
        manage.phase_edit,
        name="manage_phase_edit",
    ),
    path(
        "challenges/manage/<slug:slug>/remove/<str:kind>/<int:pk>/",
        manage.part_remove,
        name="manage_remove",
    ),
    path(
        "challenges/manage/<slug:slug>/documents/new/",
        manage.document_add,
        name="manage_document_add",
    ),
    path("challenges/manage/<slug:slug>/submit/", manage.submit, name="manage_submit"),
    path("challenges/manage/<slug:slug>/approve/", manage.approve, name="manage_approve"),
    path("challenges/manage/<slug:slug>/return/", manage.return_to_draft, name="manage_return"),
    path("challenges/manage/<slug:slug>/cancel/", manage.cancel, name="manage_cancel"),
    path("challenges/manage/<slug:slug>/invite/", manage.invite, name="manage_invite"),
    path("challenges/manage/<slug:slug>/questions/", questions.inbox, name="manage_questions"),
    path(
        "challenges/manage/<slug:slug>/questions/<int:pk>/",
        questions.answer,
        name="manage_answer",
    ),
    path("challenges/<slug:slug>/", public.challenge_detail, name="detail"),
    path("challenges/<slug:slug>/ask/", public.ask_question, name="ask"),
    path("challenges/<slug:slug>/watch/", public.watch, name="watch"),
]
