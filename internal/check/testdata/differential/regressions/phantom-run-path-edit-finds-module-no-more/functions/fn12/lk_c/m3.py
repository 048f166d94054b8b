def _lk_init(*args):
    from lk_a import Y
    return None
_lk_items = [_lk_init(i) for i in range(2)]
