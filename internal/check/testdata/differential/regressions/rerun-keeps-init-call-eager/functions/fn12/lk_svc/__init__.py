try:
    from lk_f.m0.m0 import g
except (KeyError, ImportError):
    lk_fallback = None
except (KeyError, ValueError):
    pass
