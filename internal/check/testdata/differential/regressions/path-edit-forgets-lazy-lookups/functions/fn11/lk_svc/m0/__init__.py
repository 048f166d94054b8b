def boot():
    from lk_b.m2.m1 import Y
    return None
