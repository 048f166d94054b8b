def f():
    return None
X = 1
