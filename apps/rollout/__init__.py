"""Rollout phases, go-live, measured gates and their overrides."""
