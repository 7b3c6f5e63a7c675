"""Letters from admin-managed templates, rendered to PDF and kept as case documents."""
