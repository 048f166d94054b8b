try:
    from . import m3
except AttributeError as e:
    raise RuntimeError("a required module is missing") from e
finally:
    from lk_b import m3
LK_LATE = 1
