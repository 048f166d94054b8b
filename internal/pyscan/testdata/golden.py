#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Lambda handler for the orders service.

Example::

    import boto3  # not an import: this is the docstring
    from orders import handler
"""
from __future__ import annotations

import json, logging as log
import os.path
from typing import TYPE_CHECKING, Any
from . import settings
from .models import (
    Order,
    LineItem as Item,
)
from ..shared.util import *

try:
    import ujson as fastjson
except ImportError:  # pragma: no cover
    fastjson = None

try:
    from yaml import CSafeLoader as Loader
except (AttributeError, ImportError) as exc:
    from yaml import SafeLoader as Loader
else:
    import yaml.constructor
finally:
    import atexit

try:
    import requests
except KeyError:
    requests = None

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

__all__ = ["handler", "Processor"]
TABLE: str = os.environ.get("TABLE", "orders"); REGION = "eu-west-1"
SQL = f"""
    select * from {TABLE!r:>{10}}  -- {'import psycopg2'}
    where region = {f"{REGION}"}
"""
log_level, *_rest = ("INFO", 1, 2)
QUERY = r"\"" ; import re  # a raw string cannot end with an odd backslash


def _load(name: str = "x"):
    mod = importlib.import_module("orders.plugins." + name)  # not literal
    return __import__("pkgutil")


class Processor:
    import decimal

    def __init__(self, client: "S3Client" = None) -> None:
        from botocore.config import Config
        self.config = Config(retries={"max_attempts": 3})

    @staticmethod
    async def run(event, context=lambda: None):
        try:
            import orjson
        except Exception:
            orjson = None
        return yield_ if (yield_ := 1) else 0


def handler(event, context):
    global CACHE
    import importlib
    plugin = importlib.import_module(".plugins.default", package=__package__)
    return json.dumps({"ok": True, "text": "from os import system"})


def __getattr__(name):
    raise AttributeError(name)


if __name__ == "__main__":
    import argparse; handler({}, None)
