"""asn-kinerja: evaluate performance-based development programmes for Indonesian civil servants."""

__version__ = "0.1.0"
