try:
    from ._core import add
except ImportError as e:
    raise ImportError("strictnum was built for another Python; reinstall it") from e

__all__ = ("add",)
