"""Collection (归集): departments submit records, the hub checks them and measures 双公示 timeliness."""
