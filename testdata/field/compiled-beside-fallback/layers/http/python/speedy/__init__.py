from ._core import crunch

__all__ = ("crunch",)
