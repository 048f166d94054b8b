def _lk_init(*args):
    from lk_a import m1
    return None
_lk_init()
