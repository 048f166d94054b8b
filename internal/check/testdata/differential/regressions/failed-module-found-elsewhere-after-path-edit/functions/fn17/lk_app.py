try:
    from lk_d import m0
except BaseException:
    pass
import os, sys, site, pathlib
_lk_dir = os.path.dirname(__file__) + "/lkdeps"
if _lk_dir not in sys.path:
    sys.path.insert(1, _lk_dir)
import lk_d
def handler(event, context):
    return None
