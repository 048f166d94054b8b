"""Generated module; import lk_zz is not code."""
from . import m0
def g():
    return None
Y = 1
__all__ = ["Y"]
