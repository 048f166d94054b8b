from .m3 import m9
