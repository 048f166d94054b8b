import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "".join(["lk", "deps"])))
try:
    from lk_d import m1; from lk_d.m2 import *
except:
    pass
