import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "".join(["lk", "deps"])))
from lk_svc.app import g
import importlib
def handler(event, context):
    return None
def _lk_init(*args):
    importlib.import_module("lk_svc")
    return None
