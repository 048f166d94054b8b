try:
    from .m0 import X
except ImportError:
    pass
