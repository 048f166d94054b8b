import importlib
try:
    from lk_b.m1 import g
except (KeyError, ImportError):
    pass
def handler(event, context):
    return None
importlib.import_module("lk_b.m1")
