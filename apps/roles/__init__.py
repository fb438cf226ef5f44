"""Organisations, roles, teams and memberships, and who may see what (policies, decorators)."""
