"""Case documents: uploaded files with a type, title, date and versions, some shared with the case's partners."""
