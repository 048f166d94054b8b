import importlib
def _lk_init(*args):
    __import__("lk_d.m1.m0")
    return None
_lk_app = _lk_init()
