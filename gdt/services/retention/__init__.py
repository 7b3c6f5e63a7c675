"""Retention (docs/domain.md, "Retention and destruction"): rules and dates, legal holds, the anonymisation of
contact details and files, and destruction lists that remove content while every statistic stays the same."""
