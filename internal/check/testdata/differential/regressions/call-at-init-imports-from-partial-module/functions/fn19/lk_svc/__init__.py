def _lk_deco(fn):
    from lk_c import m0
    return fn
@_lk_deco
def _lk_decorated():
    return None
