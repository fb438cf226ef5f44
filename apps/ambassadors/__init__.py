"""Ambassadors: nominations, pilots and how their teams adopt compared with the others."""
