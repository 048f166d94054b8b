def count_items(items):
    return len(items)
