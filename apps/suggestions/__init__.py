"""Next-step suggestions after an activity or for idle deals, and their rules."""
