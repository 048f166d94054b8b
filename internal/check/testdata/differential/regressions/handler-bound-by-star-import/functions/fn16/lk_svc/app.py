from lk_b.m2 import *
