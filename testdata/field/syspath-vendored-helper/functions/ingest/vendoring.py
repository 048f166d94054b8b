"""Lambda does not look in lib/ by itself: add it (and this folder) to the path."""
import os
import sys


def include_vendored():
    if "LAMBDA_TASK_ROOT" in os.environ:
        sys.path.append(f"{os.environ['LAMBDA_TASK_ROOT']}/lib")
    sys.path.append(os.path.dirname(os.path.realpath(__file__)))
