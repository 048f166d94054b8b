from typing import TYPE_CHECKING
import os, sys, site, pathlib
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lk" + "deps"))
from lk_f import X as handler  # import lk_zz
class _LkService:
    def __init__(self):
        self.load()

    def load(self):
        from lk_svc import app
        return None
