"""The manager's coaching diagnostics (conversion, days in stage, win rate, cycle time)."""
