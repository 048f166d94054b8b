import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "".join(["lk", "deps"])))
try:
    from lk_e import f as handler
except Exception:
    pass
