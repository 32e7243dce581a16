"""Challenges: Challenge, Phase, criteria, clarification Q&A, Application, assessment,
funding decisions, phase progression and open calls (see ARCHITECTURE.md).

Reserved: this package is not yet a Django app and is not in INSTALLED_APPS. Pages that list
challenges (the home page's "Latest open challenges", the header link) ask the app registry
whether an app labelled ``challenges`` is installed, so they switch on when it is added.
"""
