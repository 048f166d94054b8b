import os
try:
    import lk_c.m3  # import lk_zz
except ModuleNotFoundError:
    pass
from lk_c.m2.m1 import f as al1
handler = lambda event, context: None
