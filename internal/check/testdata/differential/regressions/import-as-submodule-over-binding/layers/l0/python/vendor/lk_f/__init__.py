from lk_a import m3
