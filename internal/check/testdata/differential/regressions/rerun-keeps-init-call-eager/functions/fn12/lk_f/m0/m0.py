def boot():
    import lk_f.m0.m2
    return None
