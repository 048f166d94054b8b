from lk_c import *
