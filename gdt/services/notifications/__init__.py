"""Telling staff when something needs them: in the app and by mail, as each user chooses."""
