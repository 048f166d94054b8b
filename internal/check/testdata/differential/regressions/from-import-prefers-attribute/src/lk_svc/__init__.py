from lk_d import m2
