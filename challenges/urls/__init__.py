"""Challenge URLs: the challenge side (public pages, buyer pages, Q&A) and the application side
(applying, assessing, deciding) live in their own modules."""

from .applications import urlpatterns as application_patterns
from .challenges import urlpatterns as challenge_patterns

app_name = "challenges"
urlpatterns = challenge_patterns + application_patterns
