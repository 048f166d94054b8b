import sys
import pathlib

from vendoring import include_vendored

include_vendored()
sys.path.append(str(pathlib.Path("./vendor").absolute()))

import vendored_http
from wsgi_adapter import respond
from shared_util import clean


def lambda_handler(event, context):
    return respond(clean(vendored_http.get(event)))
