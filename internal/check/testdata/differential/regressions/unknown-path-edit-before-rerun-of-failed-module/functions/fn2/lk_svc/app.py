import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "".join(["lk", "deps"])))
from .m0 import X  # import lk_zz
handler = lambda event, context: None
