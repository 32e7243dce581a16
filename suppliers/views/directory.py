"""The public supplier directory (owned by the directory work)."""

urlpatterns: list = []
