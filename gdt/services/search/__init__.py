"""Finding a report, case, person or address from one search box, within the viewer's need-to-know."""
