"""A subject's record as one caller may see it: plan, fetch, disclose, and the receipt's content."""
