import lk_d.m2 as lk_cyc
try:
    lk_seen = lk_cyc.LK_LATE
except AttributeError:
    lk_seen = None
def handler(event, context):
    return None
