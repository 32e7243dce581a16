"""Challenges: Challenge, Phase, criteria, clarification Q&A, Application, assessment,
funding decisions, phase progression and open calls (see ARCHITECTURE.md)."""
