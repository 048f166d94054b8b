def money(cents):
    return "%.2f" % (cents / 100)
