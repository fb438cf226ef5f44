"""Trust: who looked at my data, the data-use charter, the audit trail, export and erasure."""
