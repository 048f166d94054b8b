from lk_b.m1.m2 import *
