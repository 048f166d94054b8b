"""Amounts in cents, shared by every function that attaches the layer."""


def cents(amount):
    return int(round(amount * 100))
