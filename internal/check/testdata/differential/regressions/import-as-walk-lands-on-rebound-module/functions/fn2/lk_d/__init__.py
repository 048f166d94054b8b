import sys
from lk_d import m2
if sys.platform == "linux":
    from lk_e import m2
