def _lk_init(*args):
    from .app import f
    return None
_lk_items = [_lk_init(i) for i in range(2)]
