from lk_svc.m2 import LK_LATE as lk_seen
def f():
    return None
