from . import m1
