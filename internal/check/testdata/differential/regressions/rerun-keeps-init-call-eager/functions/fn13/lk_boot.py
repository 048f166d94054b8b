def boot():
    import lk_missing
