try:
    import lk_e.m1 as al1
except ImportError:
    pass
from lk_e.m2 import m3
def handler(event, context):
    return None
