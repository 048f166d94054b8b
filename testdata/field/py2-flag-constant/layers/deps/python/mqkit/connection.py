import mqkit.compat


class Connection(mqkit.compat.AbstractBase):
    pass
