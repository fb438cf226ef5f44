"""Service agents' cases and an account's whole timeline."""
