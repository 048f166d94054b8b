def f():
    return None
def g():
    return None
Y = 1
