"""The short pulse check (usefulness, ease of use) and its aggregates of five or more."""
