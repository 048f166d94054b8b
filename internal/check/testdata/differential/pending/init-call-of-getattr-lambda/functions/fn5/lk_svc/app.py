def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda event, context: None
