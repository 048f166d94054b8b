from lk_e.m0 import m3
def handler(event, context):
    return None
