from lk_c.m3 import LK_LATE as lk_seen
def g():
    return None
