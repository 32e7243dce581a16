"""Writes for the feedback app: reviews and replies (``reviews``), invitations to review
(``invitations``), process feedback on buyers and the applicant debrief (``process``)."""
