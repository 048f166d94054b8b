import requests

def handler(e, c):
    pass
