from lk_c import X as handler
