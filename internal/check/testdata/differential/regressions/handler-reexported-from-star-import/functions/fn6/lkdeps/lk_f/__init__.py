from lk_d.m0.m3 import *
