"""Ground truth for TestDifferential: import each function's handler with the real interpreter.

usage: python3 -I -S -B oracle.py MANIFEST.json

MANIFEST is a JSON list of {"id", "task", "opt", "pyver" ("3.11"), "handler" ("pkg.mod.handler"),
"pythonpath" (null, or the function's PYTHONPATH entries mapped onto task/ and opt/)}.
"task" is a folder holding the function's code (/var/task); "opt" a folder holding the layers
merged in order (/opt). For each entry, in a fresh import state, sys.path is set the way the
Lambda bootstrap sets it for Python 3.11 and later (lambda-runtime-facts.md §1.2):

    [task, opt/python/lib/pythonX.Y/site-packages, opt/python] + the interpreter's stdlib

(the runtime's own site-packages and /var/runtime are left out: the generated code never
imports what lives there), site.addsitedir is called on the three code folders; when the
function sets PYTHONPATH, the bootstrap adds no /opt folder and processes no .pth file there:

    [task] + PYTHONPATH entries + the interpreter's stdlib, site.addsitedir on task only.

The handler
module is imported with importlib.import_module (the handler string split on its last '.',
'/' turned into '.'), and the handler attribute is fetched; it must be callable (awslambdaric
does not check, but calls it on every invocation, which then fails with TypeError).

Prints one JSON line per entry: {"id", "ok", "exc", "msg", "where", "frames", "loaded"}; "where"
is the innermost generated line the failure passed through ("frames" all of them, outermost first), "loaded" the files the import
executed (relative to task/ and opt/), for diagnostics.
"""
import importlib
import json
import os
import site
import sys
import traceback

BASE_MODULES = set(sys.modules)
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
STDLIB_PATH = [p for p in sys.path if p not in ("", SCRIPT_DIR)]


class LambdaPath(list):
    """sys.path that maps Lambda's absolute folders (/var/task, /opt) onto the materialized
    ones, so that code adding "/var/task/lib" or "/opt/python/vendor" finds them."""

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


STDLIB_DIRS = tuple(os.path.join(p, "") for p in STDLIB_PATH)


def stdlib(m):
    """Whether module m is the interpreter's own (its standard library, built-in or frozen).
    They stay in sys.modules between entries, as on Lambda, where the bootstrap has imported
    many: the generated code never shadows them, and on python3.13 importing pathlib again
    for every entry (about 60 modules) made the oracle twenty times slower."""
    f = getattr(m, "__file__", None)
    if f:
        return f.startswith(STDLIB_DIRS)
    spec = getattr(m, "__spec__", None)
    return spec is not None and spec.origin in ("built-in", "frozen")


def reset():
    for name in list(sys.modules):
        if name not in BASE_MODULES and not stdlib(sys.modules[name]):
            del sys.modules[name]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()


def rel(path, task, opt):
    for root, label in ((task, "task"), (opt, "opt")):
        if path.startswith(root + os.sep):
            return label + "/" + os.path.relpath(path, root).replace(os.sep, "/")
    return path


def check(entry):
    task = os.path.abspath(entry["task"])
    opt = os.path.abspath(entry["opt"])
    pyver = entry["pyver"]
    handler = entry["handler"]
    layer_sp = os.path.join(opt, "python", "lib", "python" + pyver, "site-packages")
    layer_py = os.path.join(opt, "python")
    pp = entry.get("pythonpath")
    reset()
    result = {"id": entry["id"], "ok": True, "exc": "", "msg": "", "where": ""}
    # Lambda runs the handler with /var/task as the working directory and LAMBDA_TASK_ROOT set.
    os.chdir(task)
    os.environ["LAMBDA_TASK_ROOT"] = task
    sys.path = LambdaPath(sys.path)
    sys.path.roots = (("/var/task", task), ("/opt", opt))
    try:
        if pp is None:
            sys.path[:] = [task, layer_sp, layer_py] + STDLIB_PATH
            for d in (task, layer_sp, layer_py):
                site.addsitedir(d)
        else:
            sys.path[:] = [task] + list(pp) + STDLIB_PATH
            site.addsitedir(task)
        if "." not in handler:
            raise ValueError("Bad handler '%s'" % handler)
        modname, fname = handler.rsplit(".", 1)
        modname = modname.replace("/", ".")
        mod = importlib.import_module(modname)
        if not hasattr(mod, fname):
            raise AttributeError("Handler '%s' missing on module '%s'" % (fname, modname))
        if not callable(getattr(mod, fname)):
            # awslambdaric calls it on each invocation: every invocation fails
            raise TypeError("'%s' object is not callable" % type(getattr(mod, fname)).__name__)
    except Exception as e:  # every failure is a verdict, not a crash of the oracle
        result["ok"] = False
        result["exc"] = type(e).__name__
        result["msg"] = str(e)
        frames = []
        for fr in traceback.extract_tb(e.__traceback__):
            if fr.filename.startswith((task + os.sep, opt + os.sep)):
                result["where"] = "%s:%d: %s" % (rel(fr.filename, task, opt), fr.lineno, fr.line)
                frames.append(result["where"])
        result["frames"] = frames
        if not isinstance(e, (ImportError, AttributeError)):
            result["msg"] += "\n" + traceback.format_exc()
    loaded = []
    for name, m in list(sys.modules.items()):
        if name in BASE_MODULES:
            continue
        f = getattr(m, "__file__", None)
        if f:
            loaded.append(rel(f, task, opt))
            continue
        try:  # a namespace path recomputes itself from its parent, which may be gone
            paths = list(m.__spec__.submodule_search_locations or [])
        except Exception:
            paths = []
        loaded.append(name + " (namespace: " + ", ".join(rel(p, task, opt) for p in paths) + ")")
    result["loaded"] = loaded
    reset()
    sys.path = list(STDLIB_PATH)
    os.chdir(SCRIPT_DIR)
    return result


def main():
    with open(sys.argv[1]) as fh:
        manifest = json.load(fh)
    out = sys.stdout
    for entry in manifest:
        out.write(json.dumps(check(entry)) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
