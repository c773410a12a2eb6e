"""Importers of real open data (SIAE directory, DECP contracts) and the real-data territory.

Each importer reads a file into numbered rows, then imports them one SAVEPOINT per row and
returns an `ImportReport` (see common.py). See docs/opendata.md.
"""
