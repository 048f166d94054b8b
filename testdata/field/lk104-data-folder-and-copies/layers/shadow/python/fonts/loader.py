def load(name):
    return name
