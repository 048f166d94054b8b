from .api import from_bytes
from .md import mess_ratio

__all__ = ("from_bytes", "mess_ratio")
