"""Report layer: sentences, tables, figures and pages in Bahasa Indonesia or English, hidden counts, the
notebook runner and results.json. One module per report notebook: ``programme_effects``, ``training_needs``,
``cross_city``."""
