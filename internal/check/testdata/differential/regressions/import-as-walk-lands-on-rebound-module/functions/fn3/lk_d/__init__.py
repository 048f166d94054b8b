import sys
from lk_d import m2
if sys.platform == "win32":
    from lk_e import m2
