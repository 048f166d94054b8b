from . import m0
X = 1
