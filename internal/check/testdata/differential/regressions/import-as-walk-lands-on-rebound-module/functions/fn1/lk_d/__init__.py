from lk_d import m2
from lk_e import m2
