import lk_a as al1
import lk_d.m1.m2
