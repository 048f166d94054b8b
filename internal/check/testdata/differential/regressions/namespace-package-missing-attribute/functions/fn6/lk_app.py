import lk_d.m2 as lk_cyc
lk_seen = lk_cyc.__path__
def handler(event, context):
    return None
