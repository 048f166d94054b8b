import importlib
try:
    import lk_b
except ImportError:
    pass
importlib.import_module("lk_b.m1.m3")
def handler(event, context):
    return None
