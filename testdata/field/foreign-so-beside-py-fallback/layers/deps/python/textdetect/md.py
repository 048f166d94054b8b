def mess_ratio(text):
    return 0.0
