"""Standard adoption figures (active days, stickiness, lifecycle, seats, retention) and phase impact."""
