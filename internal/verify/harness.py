"""layerkit verify: import one function's handler the way the Lambda Python bootstrap does.

usage: pythonX.Y -I -S -B harness.py CONFIG.json

CONFIG (written by internal/verify) holds absolute local folders standing for Lambda's:
  task          /var/task (the function package, materialized)
  opt_site      /opt/python/lib/pythonX.Y/site-packages (X.Y is the runtime's version)
  opt_python    /opt/python
  runtime_dir   /var/runtime (the bootstrap script's folder: sys.path[0])
  lang_site     /var/lang/lib/pythonX.Y/site-packages
  assumed       a folder appended last: stand-ins for modules the static side assumed
  runtime_minor the runtime's minor version (11 for python3.11)
  pythonpath    null when the function sets no PYTHONPATH, else its entries (mapped)
  handler       the Handler string
  result_fd     the file descriptor of the verdict pipe layerkit opened: the harness
                writes its one JSON verdict there (never to a file the imported code
                could reach) and closes it

sys.path is built as the managed runtime's bootstrap.py builds it (lambda-runtime-facts.md
§1.2): [runtime_dir] + PYTHONPATH entries + stdlib + [lang_site] at start; then, unless
PYTHONPATH is set, lang_site (3.11 and later), /opt/python and the layer site-packages are
inserted at the front; /var/task goes first of all; site.addsitedir runs on /var/task and,
unless PYTHONPATH is set, on the two /opt folders. The handler is then resolved as
awslambdaric's _get_handler does (§1.4), with the same error types and texts.

The modules the bootstrap has imported before the handler (importlib, json, logging, os, site,
sys, time, traceback, warnings) are imported first, so a user module with one of those names
is shadowed by sys.modules as on Lambda.
"""
import importlib
import importlib.abc
import importlib.machinery
import json
import logging  # noqa: F401  imported by the Lambda bootstrap before the handler
import os
import site
import sys
import time  # noqa: F401
import traceback
import warnings  # noqa: F401


def stdlib_path():
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    for p in sys.path:
        if not p or os.path.abspath(p) == here:
            continue
        out.append(p)
    return out


STDLIB = stdlib_path()
BASE = set(sys.modules)
ROOTS = []  # (folder, label): where user code lives, for "where"


class StandInFinder(importlib.abc.MetaPathFinder):
    """Submodules of a stand-in package are stand-ins too (import boto3.dynamodb.conditions)."""

    def find_spec(self, fullname, path=None, target=None):
        parent, _, _ = fullname.rpartition(".")
        if not parent:
            return None
        pm = sys.modules.get(parent)
        if pm is None or not getattr(pm, "__layerkit_standin__", None):
            return None
        return importlib.machinery.ModuleSpec(fullname, StandInLoader(pm), is_package=True)


class StandInLoader(importlib.abc.Loader):
    def __init__(self, parent):
        self.parent = parent

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__layerkit_standin__ = self.parent.__layerkit_standin__
        module.__path__ = []
        ga = getattr(self.parent, "__getattr__", None)
        if ga is not None:
            module.__getattr__ = ga


class LambdaPath(list):
    """sys.path that maps the absolute folders user code names (/var/task, /opt) onto the
    materialized ones, so that sys.path.insert(0, "/opt/python/vendor") finds them."""

    roots = ()

    def _m(self, p):
        if isinstance(p, str):
            for lam, local in self.roots:
                if p == lam or p.startswith(lam + "/"):
                    return local + p[len(lam):]
        return p

    def insert(self, i, p):
        super().insert(i, self._m(p))

    def append(self, p):
        super().append(self._m(p))

    def extend(self, ps):
        super().extend([self._m(p) for p in ps])

    def __setitem__(self, k, v):
        if isinstance(k, slice):
            v = [self._m(p) for p in v]
        else:
            v = self._m(v)
        super().__setitem__(k, v)

    def __iadd__(self, ps):
        self.extend(ps)
        return self


def rel(p, roots):
    for root, label in roots:
        if p == root or p.startswith(root + os.sep):
            return label + "/" + os.path.relpath(p, root).replace(os.sep, "/")
    return None


def main():
    with open(sys.argv[1]) as fh:
        cfg = json.load(fh)
    # The verdict pipe: not inherited by what the imported code starts, and held under
    # another number. The code runs in this process and could still find and write it;
    # layerkit then sees two verdicts and takes none.
    out_fd = os.dup(cfg["result_fd"])
    os.close(cfg["result_fd"])
    os.set_inheritable(out_fd, False)
    task = cfg["task"]
    pp = cfg["pythonpath"]
    # Lambda runs the handler in /var/task, with LAMBDA_TASK_ROOT set; code that edits sys.path
    # with those or with absolute /var/task and /opt paths finds the materialized folders.
    os.chdir(task)
    os.environ["LAMBDA_TASK_ROOT"] = task
    sys.path = LambdaPath(sys.path)
    sys.path.roots = (("/var/task", task), ("/opt", os.path.dirname(cfg["opt_python"])))
    sys.path[:] = [cfg["runtime_dir"]] + list(pp or []) + STDLIB + [cfg["lang_site"]]
    if pp is None:
        if cfg["runtime_minor"] >= 11:
            sys.path.insert(0, cfg["lang_site"])
        sys.path.insert(0, cfg["opt_python"])
        sys.path.insert(0, cfg["opt_site"])
    sys.path.insert(0, task)
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    sys.meta_path.append(StandInFinder())

    result = {"ok": True, "error_type": "", "message": "", "exc": "", "where": "", "trace": ""}
    roots = [(task, "task"), (os.path.dirname(cfg["opt_python"]), "opt")]
    ROOTS[:] = roots
    handler = cfg["handler"]
    try:
        site.addsitedir(task)
        if pp is None:
            site.addsitedir(cfg["opt_site"])
            site.addsitedir(cfg["opt_python"])
        if cfg.get("assumed"):
            sys.path.append(cfg["assumed"])
        resolve(handler, result)
    except BaseException as e:  # SystemExit, KeyboardInterrupt from user code, ...
        fail(result, type(e).__name__, str(e), e)

    standins = set()
    stdlib_loaded = set()
    stdlib_roots = [os.path.abspath(p) for p in STDLIB]
    for name, m in list(sys.modules.items()):
        if name in BASE or m is None:
            continue
        top = name.split(".")[0]
        if getattr(m, "__layerkit_standin__", None):
            standins.add(top)
            continue
        f = getattr(m, "__file__", None)
        if f is None:
            if name in sys.builtin_module_names:
                stdlib_loaded.add(top)
            continue
        f = os.path.abspath(f)
        if any(f == r or f.startswith(r + os.sep) for r in stdlib_roots) and rel(f, roots) is None:
            stdlib_loaded.add(top)
    result["standins"] = sorted(standins)
    result["stdlib"] = sorted(stdlib_loaded)
    data = json.dumps(result).encode()
    while data:
        data = data[os.write(out_fd, data):]
    os.close(out_fd)


def fail(result, error_type, message, exc):
    result["ok"] = False
    result["error_type"] = error_type
    result["message"] = message
    if exc is not None:
        result["exc"] = type(exc).__name__
        for fr in traceback.extract_tb(exc.__traceback__):
            if not fr.filename or fr.filename.startswith("<"):
                continue
            r = rel(os.path.abspath(fr.filename), ROOTS)
            if r is not None:
                result["where"] = "%s:%d" % (r, fr.lineno or 0)
        if isinstance(exc, SyntaxError) and exc.filename:
            r = rel(os.path.abspath(exc.filename), ROOTS)
            if r is not None:
                result["where"] = "%s:%d" % (r, exc.lineno or 0)
        result["trace"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:]


def resolve(handler, result):
    # awslambdaric bootstrap._get_handler, step by step.
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        fail(result, "Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, str(e)), None)
        return
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            fail(result, "Runtime.BuiltInModuleConflict",
                 "Cannot use built-in module {} as a handler module".format(modname), None)
            return
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        fail(result, "Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, str(e)), e)
        return
    except SyntaxError as e:
        fail(result, "Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, str(e)), e)
        return
    except Exception as e:
        # awslambdaric's run() reports any other exception with its class name.
        fail(result, type(e).__name__, str(e), e)
        return
    try:
        h = getattr(m, fname)
    except AttributeError:
        fail(result, "Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname), None)
        return
    if not callable(h):
        # awslambdaric does not check; it calls the handler on each invocation, and each
        # invocation fails with this TypeError.
        fail(result, "TypeError", "'{}' object is not callable".format(type(h).__name__), None)


if __name__ == "__main__":
    main()
