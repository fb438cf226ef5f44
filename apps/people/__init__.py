"""Setting an organisation up: people, invitations, teams, stages and each role's home page."""
