LK_EARLY = 1
from lk_b import m3
import lk_svc.m3
def handler(event, context):
    return None
