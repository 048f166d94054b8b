try:
    from lk_b.m0 import Y
except Exception:
    pass
import lk_b.m0
