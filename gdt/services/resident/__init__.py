"""Mijn melding: the resident's signed link, their logbook, questions to them and the satisfaction survey."""
