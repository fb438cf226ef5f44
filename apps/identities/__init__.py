"""Identities: who a person is in other systems (Salesforce, HubSpot, Dynamics, a CSV's user column)."""
