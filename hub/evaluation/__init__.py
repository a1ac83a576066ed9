"""The public credit comprehensive evaluation (公共信用综合评价, 003 §6-7): a declared model, graded on read."""
