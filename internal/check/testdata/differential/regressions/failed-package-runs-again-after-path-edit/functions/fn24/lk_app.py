try:
    from lk_d.m2 import g as al0
except ModuleNotFoundError:
    pass
import importlib
import os, sys, site, pathlib
site.addsitedir(os.path.join(os.path.dirname(os.path.realpath(__file__)), "lkdeps"))
def handler(event, context):
    return None
class _LkService:
    def __init__(self):
        self.load()

    def load(self):
        from lk_d.m3 import Y
        return None
_lk_service = _LkService()
