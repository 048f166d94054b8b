import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "".join(["lk", "deps"])))
from lk_f.m1.m3 import boot as _lk_boot
def handler(event, context):
    return None
