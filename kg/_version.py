"""The version of kg, in one place (read by the package, the build provenance and the cache)."""

__version__ = "0.1.0"
