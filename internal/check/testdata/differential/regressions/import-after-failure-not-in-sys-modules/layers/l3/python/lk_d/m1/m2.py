def boot():
    from . import m3
    return None
