# import lk_zz
def g():
    return None
Y = 1
