import os, sys, site, pathlib
if sys.version_info.minor == 13:
    from lk_c.m0.m3 import X
def handler(event, context):
    return None
