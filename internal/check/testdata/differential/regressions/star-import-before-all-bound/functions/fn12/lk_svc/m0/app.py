from lk_d.m0.m3 import g
def handler(event, context):
    return None
