import lk_d
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lkdeps"))
from lk_d.m2.m1 import f
def handler(event, context):
    return None
