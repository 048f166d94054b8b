"""Generated module; import lk_zz is not code."""
def g():
    return None
Y = 1
