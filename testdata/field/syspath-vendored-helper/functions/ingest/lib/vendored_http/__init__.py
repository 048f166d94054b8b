def get(event):
    return event
