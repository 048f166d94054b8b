import sys

PY2 = sys.version_info[0] == 2

if PY2:
    import __builtin__
    text_type = unicode
    unichr = __builtin__.unichr
else:
    text_type = str
    unichr = chr
