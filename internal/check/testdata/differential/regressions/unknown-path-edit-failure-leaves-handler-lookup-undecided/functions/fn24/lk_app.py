import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "".join(["lk", "deps"])))
try:
    from lk_b.m2 import g as handler
except LookupError:
    pass
