from ._speed import run
