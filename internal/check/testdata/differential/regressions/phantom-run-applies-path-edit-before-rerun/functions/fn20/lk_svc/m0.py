from lk_a.m3 import *
