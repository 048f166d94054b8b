Y = 1
def boot():
    from .m0 import g
    return None
