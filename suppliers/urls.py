from .views import directory, onboarding

app_name = "suppliers"

# Onboarding first: its fixed paths (/suppliers/join/...) must win over /suppliers/<slug>/.
urlpatterns = onboarding.urlpatterns + directory.urlpatterns
