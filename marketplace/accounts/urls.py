from django.urls import path

from . import views, views_buyers

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/account/", views.account_settings, name="account_settings"),
    path("organisations/<slug:slug>/team/", views.team, name="team"),
    path("organisations/<slug:slug>/team/invite/", views.invite, name="invite"),
    path(
        "organisations/<slug:slug>/team/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<slug:slug>/team/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organisations/register/", views_buyers.register, name="buyer_register"),
    path("organisations/register/check/", views_buyers.register_check, name="buyer_register_check"),
    path(
        "organisations/registrations/<int:pk>/",
        views_buyers.registration,
        name="buyer_registration",
    ),
]
