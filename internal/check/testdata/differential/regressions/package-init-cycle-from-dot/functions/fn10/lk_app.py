from lk_d.m1 import m2
def handler(event, context):
    return None
