from lk_c import *
def g():
    return None
