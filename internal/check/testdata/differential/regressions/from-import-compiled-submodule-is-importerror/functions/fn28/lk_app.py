try:
    from lk_f.m0 import m2
except AttributeError:
    raise ImportError("required")
except ModuleNotFoundError:
    pass
def handler(event, context):
    return None
