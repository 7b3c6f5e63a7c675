"""The privacy officer's work: the audit trail, requests from the people concerned, the processing register."""
