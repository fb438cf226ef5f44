"""Give-Get contracts per role, deliveries (the gets) and whether each week's promise was kept."""
