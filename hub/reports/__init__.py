"""Credit reports (信用报告): one subject's record as a signed Chinese PDF, rendered for the caller's policy."""
