def boot():
    import lk_f.m1.m0
    return None
