import os, sys
import lk_c
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "".join(["lk", "deps"])))
from lk_e import m3
from lk_c import nope


def handler(event, context):
    return None
