"""elkund — meter values, third-party access and supplier duties for Swedish grid companies."""

__version__ = "0.1.0"
