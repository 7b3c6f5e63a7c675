"""Mijn melding: the resident's logbook of dated entries on their report (with photos and sound)."""
