def is_ascii(b):
    return all(c < 128 for c in b)
