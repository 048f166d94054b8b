try:
    import lk_b
except ImportError:
    pass
try:
    import lk_b.m1.m3
except ImportError:
    pass
def handler(event, context):
    return None
