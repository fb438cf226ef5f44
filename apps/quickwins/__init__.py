"""Week-one quick-win milestones per role and each person's result against them."""
