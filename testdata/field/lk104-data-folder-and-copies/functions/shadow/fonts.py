import os

DEFAULT = os.path.join("/opt/python/fonts", "DejaVuSans.ttf")
