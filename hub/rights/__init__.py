"""Subjects' rights: objections (异议) and credit repair (信用修复), with the item overlay they drive."""
