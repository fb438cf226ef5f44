"""The append-only usage log, its daily rollups and the refresh marks it leaves for scoring."""
