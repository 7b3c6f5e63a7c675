"""A realistic demo year for `make run` and the walkthroughs; never for a production database."""
