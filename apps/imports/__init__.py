"""Spreadsheet import of activities and pipelines: parsing, row checks, bulk writing, the job."""
