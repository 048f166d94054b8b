try:
    from . import app
except ModuleNotFoundError:
    lk_fallback = None
