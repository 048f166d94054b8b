from .m2 import X
