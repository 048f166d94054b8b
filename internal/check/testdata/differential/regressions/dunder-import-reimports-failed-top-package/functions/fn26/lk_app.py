try:
    from lk_b.m1 import g
except (KeyError, ImportError):
    pass
def handler(event, context):
    return None
__import__("lk_b.m1")
