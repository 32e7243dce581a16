"""Feedback pages."""

app_name = "feedback"
urlpatterns: list = []
