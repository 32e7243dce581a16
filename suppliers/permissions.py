"""Who may do what to a supplier profile.

- ``suppliers.view_profile``: any member of the supplier organisation (admin or team member),
  and platform admins (staff).
- ``suppliers.edit_profile`` / ``suppliers.submit_profile``: supplier admins of the profile's own
  organisation only. Staff change a profile's status through the review screens, never by
  editing the supplier's answers.
- ``suppliers.review_profile``: platform admins (staff).

The profile's owning organisation is ``profile.organisation``, so the shared role predicates
from ``marketplace.accounts.permissions`` apply directly.
"""

import rules

from marketplace.accounts.permissions import is_staff, is_supplier_admin, is_supplier_member


def register_rules() -> None:
    """Register the ``suppliers.*`` permissions; called from ``SuppliersConfig.ready()``."""
    rules.set_perm("suppliers.view_profile", is_supplier_member | is_staff)
    rules.set_perm("suppliers.edit_profile", is_supplier_admin)
    rules.set_perm("suppliers.submit_profile", is_supplier_admin)
    rules.set_perm("suppliers.review_profile", is_staff)
