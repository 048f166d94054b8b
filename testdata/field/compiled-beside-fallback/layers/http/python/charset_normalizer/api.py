from .md import mess_ratio


def from_bytes(data):
    return _Matches(data)


class _Matches:
    def __init__(self, data):
        self.data = data

    def best(self):
        return None
