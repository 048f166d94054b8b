import lk_c.m2.m2
from lk_c.m2 import *
