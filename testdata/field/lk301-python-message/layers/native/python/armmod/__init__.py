from ._core import run
