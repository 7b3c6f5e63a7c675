"""Deciding what happens to a report: refer it or escalate it into a case; the report lists and address
context staff work from."""
