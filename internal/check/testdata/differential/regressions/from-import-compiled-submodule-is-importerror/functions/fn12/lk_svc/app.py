try:
    from lk_a import m3
except ModuleNotFoundError:
    pass
else:
    from lk_f.m0 import g
def handler(event, context):
    return None
