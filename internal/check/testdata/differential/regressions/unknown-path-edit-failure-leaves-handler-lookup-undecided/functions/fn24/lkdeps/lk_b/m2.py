def g():
    return None
