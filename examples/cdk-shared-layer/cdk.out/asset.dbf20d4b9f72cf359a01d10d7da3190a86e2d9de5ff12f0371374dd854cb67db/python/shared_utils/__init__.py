"""Helpers shared by every function through the SharedUtils layer."""

__version__ = "1.4.0"
