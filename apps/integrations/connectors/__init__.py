"""CRM log connectors: pure parsers from a CRM's own export format to usage-event rows."""
