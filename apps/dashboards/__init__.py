"""Role-specific dashboards (/me/, a rep's page, /team/, /lead/) and another person's score API."""
