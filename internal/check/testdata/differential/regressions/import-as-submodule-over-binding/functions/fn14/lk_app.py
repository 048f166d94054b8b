import lk_f.m3.m3 as al0
def handler(event, context):
    return None
