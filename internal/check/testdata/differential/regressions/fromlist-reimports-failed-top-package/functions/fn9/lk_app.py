try:
    import lk_e.m1 as al1
except ImportError:
    pass
from lk_e.m2 import Y
def handler(event, context):
    return None
