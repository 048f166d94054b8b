import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "".join(["lk", "deps"])))
from lk_c import m3
def handler(event, context):
    return None
