Y = 1
def boot():
    import lk_a.m0 as al1
    return None
