"""The Net Beneficiary equation and the weekly score snapshots computed from the usage log."""
