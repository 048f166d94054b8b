try:
    import lk_b
except ImportError:
    pass
from lk_b.m1 import m3
def handler(event, context):
    return None
