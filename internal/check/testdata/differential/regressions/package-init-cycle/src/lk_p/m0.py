from lk_p import X
