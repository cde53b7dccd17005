"""asn-kinerja: evaluate performance-based development programmes for Indonesian civil servants.

The folders follow the data flow:

- :mod:`analysis.data`: read a city's files, check them against the contracts, pseudonymise NIPs and names,
  the visit log, the reference tables (rules with their regulations) and the Excel template. Nothing personal
  leaves this layer.
- :mod:`analysis.methods`: panels, difference-in-differences, pre-trend tests, sensitivity, planning, IKM,
  competency groups, training plan, talent. Methods return numbers, codes and tidy frames, never words.
- :mod:`analysis.report`: one module per report (programme_effects, training_needs, cross_city) that turns
  results into sentences and tables, plus plots, privacy (hidden counts), i18n (text and numbers in id/en),
  the notebook runner, HTML pages, results.json and provenance.
- :mod:`analysis.demo`: synthetic demo data with a known truth.
"""

__version__ = "0.1.0"
