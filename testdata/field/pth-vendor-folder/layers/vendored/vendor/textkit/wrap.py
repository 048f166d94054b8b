def wrap(s):
    return [s]
