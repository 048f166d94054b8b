import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "".join(["lk", "deps"])))
import lk_e, lk_svc.m1
from lk_e.m3 import f  # import lk_zz
def handler(event, context):
    return None
