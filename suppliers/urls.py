from .views import directory, evidence, onboarding

app_name = "suppliers"

# Onboarding first: its fixed paths (/suppliers/join/...) must win over /suppliers/<slug>/.
# The question page pattern (/suppliers/join/<slug>/<key>/) comes last of the /join/ paths.
urlpatterns = (
    onboarding.urlpatterns
    + evidence.urlpatterns
    + onboarding.step_urlpatterns
    + directory.urlpatterns
)
