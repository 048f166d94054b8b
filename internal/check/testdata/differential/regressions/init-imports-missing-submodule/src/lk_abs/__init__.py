X = 1
from lk_abs import m9
