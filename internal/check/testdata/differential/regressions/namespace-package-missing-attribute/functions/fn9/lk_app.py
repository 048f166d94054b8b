import sys
if sys.version_info[:2] == (3, 12):
    from lk_e import m2
def handler(event, context):
    return None
