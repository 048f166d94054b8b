import os, sys, site, pathlib
_lk_dir = os.path.dirname(os.path.dirname(os.path.dirname(__file__))) + "/lkdeps"
if _lk_dir not in sys.path:
    sys.path.insert(1, _lk_dir)
import lk_b.m0
def handler(event, context):
    return None
