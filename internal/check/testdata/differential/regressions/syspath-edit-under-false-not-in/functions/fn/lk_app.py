import os, sys
_lk_here = os.path.dirname(__file__)
if _lk_here not in sys.path:
    sys.path.insert(1, _lk_here + "/lkdeps")
import lk_d


def handler(event, context):
    return None
