import lk_c.m2.m2 as al0
def f():
    return None
