import os, sys, site, pathlib
try:
    from lk_d.m1.m0 import g
except ImportError:
    pass
from lk_d.m1.m2 import boot as _lk_boot
def handler(event, context):
    return None
