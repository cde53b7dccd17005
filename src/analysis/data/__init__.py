"""Data layer: read, check and pseudonymise a city's files; reference tables; the Excel template.

Imports nothing from :mod:`analysis.methods` or :mod:`analysis.report` (tests/test_project.py checks it)."""
