"""Shared plumbing with no domain: periods, charts, errors, enqueueing, spreadsheets, the menu."""
