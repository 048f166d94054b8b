X = 1
from lk_e import X
