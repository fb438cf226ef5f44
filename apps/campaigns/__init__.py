"""Marketing campaigns, deal attribution and the closed-loop campaign report."""
