def paginate(items):
    return list(items)
