"""Methods layer: estimators and analyses on checked data. Returns numbers, codes and tidy frames, never text
in a reader's language (the report layer words them). Imports from :mod:`analysis.data` only."""
