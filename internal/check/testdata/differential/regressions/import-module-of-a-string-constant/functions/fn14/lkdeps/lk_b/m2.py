import importlib
def f():
    return None
_lk_name = "lk_b.m1"
importlib.import_module(_lk_name)
