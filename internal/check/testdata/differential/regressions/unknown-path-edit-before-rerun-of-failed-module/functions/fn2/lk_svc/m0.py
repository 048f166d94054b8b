X = 1
class _LkService:
    def __init__(self):
        self.load()

    def load(self):
        from . import m2
        return None
_lk_service = _LkService()
