from lk_e import f
def f():
    return None
X = 1
Y = 1
