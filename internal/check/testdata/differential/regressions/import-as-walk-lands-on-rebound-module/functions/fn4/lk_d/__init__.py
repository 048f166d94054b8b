from lk_e import m2
