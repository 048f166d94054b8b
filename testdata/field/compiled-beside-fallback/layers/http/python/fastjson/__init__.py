from ._accel import dumps

__all__ = ("dumps",)
