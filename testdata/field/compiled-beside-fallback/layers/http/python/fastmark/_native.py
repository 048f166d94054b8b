def escape(s):
    return s.replace("<", "&lt;")
