from lk_b.m2.m2 import X, *
from lk_svc.app import *
