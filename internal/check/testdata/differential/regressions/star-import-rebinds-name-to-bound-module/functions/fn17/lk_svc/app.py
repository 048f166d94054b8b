def handler(event, context):
    return None
class _LkService:
    def __init__(self):
        self.load()

    def load(self):
        import lk_e.m0.m1
        return None
_lk_service = _LkService()
