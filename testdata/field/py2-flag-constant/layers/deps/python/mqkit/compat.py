import sys as _sys

PY2 = _sys.version_info.major == 2
PY3 = not PY2

if PY3:
    from urllib.parse import parse_qs as url_parse_qs, urlparse
    from io import StringIO
else:
    from urlparse import parse_qs as url_parse_qs, urlparse
    from StringIO import StringIO


class AbstractBase(object):
    pass
