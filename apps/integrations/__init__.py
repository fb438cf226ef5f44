"""Integration keys and the CRM usage connectors (Salesforce, HubSpot, any CSV)."""
