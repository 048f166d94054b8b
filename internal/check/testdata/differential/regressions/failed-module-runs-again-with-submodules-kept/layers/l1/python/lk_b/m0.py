from lk_c.m0.m2 import LK_LATE as lk_seen
