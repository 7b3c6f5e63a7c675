"""Interventions on the escalation ladder (gesprek … sluiting) recorded on a case."""
