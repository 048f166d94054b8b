try:
    import lk_b
except ImportError:
    pass
try:
    from lk_b.m1 import m3
except KeyError:
    pass
def handler(event, context):
    return None
