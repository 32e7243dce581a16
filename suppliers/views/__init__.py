"""Supplier views, one module per area.

- ``directory``: the public supplier directory.
- ``onboarding``: joining the marketplace: start, task list, question pages, check and submit.
- ``questions``: the question pages' definitions (``STEPS``) and task list sections.
- ``evidence``: certifications, case studies and listings (add, edit, remove).
- ``_common``: loading the user's profile with a permission check, and the shared redirects.
"""
