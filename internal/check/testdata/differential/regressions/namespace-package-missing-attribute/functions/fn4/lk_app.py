import lk_set
import lk_d.m2 as lk_cyc
lk_seen = lk_cyc.LK_LATE
def handler(event, context):
    return None
