"""Accounts, deals, stages and the activities a rep logs on them (each with its usage event)."""
