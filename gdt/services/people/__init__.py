"""People across cases: one person linked to several cases and reports, earlier contacts, duplicates merged."""
