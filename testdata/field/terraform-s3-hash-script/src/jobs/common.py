CONFIG = "a: 1"
