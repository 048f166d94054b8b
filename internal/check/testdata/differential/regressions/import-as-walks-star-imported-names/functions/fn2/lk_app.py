import lk_c.m1.m2
handler = lambda event, context: None
