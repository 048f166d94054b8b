from lk_d.m2.m1 import *
