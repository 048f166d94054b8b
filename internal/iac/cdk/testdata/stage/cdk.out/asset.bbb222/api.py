import shared.util

def handler(e, c):
    return shared.util.x
