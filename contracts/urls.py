"""Contract pages (filled in by the pages part of the app)."""

app_name = "contracts"
urlpatterns: list = []
