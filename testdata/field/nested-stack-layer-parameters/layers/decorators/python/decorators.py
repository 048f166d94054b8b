def with_logging(f):
    return f
