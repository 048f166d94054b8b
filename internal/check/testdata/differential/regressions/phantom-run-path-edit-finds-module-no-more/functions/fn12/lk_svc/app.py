import lk_c.m3
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lkdeps"))
def handler(event, context):
    return None
def _lk_deco(fn):
    import lk_c
    return fn
@_lk_deco
def _lk_decorated():
    return None
