"""Synthetic demo data for the seed cities, with the truth it was generated from (truth.json)."""
