from . import m5
m5 = 1
