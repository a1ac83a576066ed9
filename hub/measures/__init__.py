"""Joint reward and punishment: the measures list (措施清单), credit checks and execution feedback."""
