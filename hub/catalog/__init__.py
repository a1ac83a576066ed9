"""Credit Hub."""
