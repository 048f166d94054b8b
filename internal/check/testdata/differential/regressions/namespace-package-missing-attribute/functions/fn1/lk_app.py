from lk_d import m2 as lk_ns
lk_seen = lk_ns.LK_LATE
def handler(event, context):
    return None
