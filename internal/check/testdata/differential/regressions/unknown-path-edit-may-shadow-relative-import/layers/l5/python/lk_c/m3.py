def _lk_init(*args):
    from .. import m1
    return None
_lk_init()
