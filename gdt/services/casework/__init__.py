"""The coordinator's work on cases: the case itself, actions, meetings, bundling and merging, the case list,
the start page and the daily reminders."""
