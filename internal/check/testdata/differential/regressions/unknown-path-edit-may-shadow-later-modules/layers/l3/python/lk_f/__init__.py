from lk_e import LK_LATE as lk_seen
