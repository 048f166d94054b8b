import lk_c.m2.m1
from lk_c import m0
