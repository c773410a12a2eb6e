"""Data that enters Essaim from outside the use cases: the schema and reference data
(`database`), the demo territory (`demo`) and the open-data importers (`importers`)."""
