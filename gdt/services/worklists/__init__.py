"""Saved work lists: a named filter or search, personal or shared with the team, pinned to the start page."""
