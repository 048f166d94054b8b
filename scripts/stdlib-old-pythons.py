#!/usr/bin/env python3
"""Extend internal/runtimes/python-stdlib.txt down to Python 3.6 and 3.7.

Input: omnilib/stdlibs (MIT) stdlibs/py36.py and py37.py, the same source the file's 3.8+
ranges come from, generated from the release tarballs 3.6.15 and 3.7.17; pass the folder
holding them as the only argument (git show <commit>:stdlibs/py36.py > DIR/py36.py).
The file's own exclusion rule (test modules) is applied, plus fpetest (fpectl's test
module). Lines are rewritten only where 3.6 or 3.7 changes them; run it twice and nothing
changes. Platform tags for modules that exist only before 3.8 are set here (TAGS)."""
import re
import sys

PATH = "internal/runtimes/python-stdlib.txt"
OLD = (6, 7)
NEWEST = 15
TAGS = {"_distutils_findvs": "windows", "fpectl": "optional"}


def omni(folder, v):
    src = open(f"{folder}/py3{v}.py").read()
    names = set(re.findall(r'^\s+"([^"]+)",$', src, re.M))
    return {n for n in names if not (n.startswith(("_test", "_xx", "xx")) or n in ("_ctypes_test", "__hello__", "__phello__", "fpetest"))}


def minors(ranges):
    out = set()
    for r in ranges.split(","):
        lo, dash, hi = r.partition("-")
        lo = int(lo.split(".")[1])
        hi = lo if not dash else (NEWEST if hi == "" else int(hi.split(".")[1]))
        out.update(range(lo, hi + 1))
    return out


def render(ms):
    ms = sorted(ms)
    runs, start = [], ms[0]
    for a, b in zip(ms, ms[1:] + [None]):
        if b != a + 1:
            runs.append((start, a))
            start = b
    parts = []
    for lo, hi in runs:
        if hi == NEWEST:
            parts.append(f"3.{lo}-")
        elif lo == hi:
            parts.append(f"3.{lo}")
        else:
            parts.append(f"3.{lo}-3.{hi}")
    return ",".join(parts)


def main():
    folder = sys.argv[1]
    old = {v: omni(folder, v) for v in OLD}
    lines = open(PATH).read().split("\n")
    seen, out = set(), []
    for line in lines:
        if not line or line.startswith("#"):
            out.append(line)
            continue
        f = line.split("\t")
        seen.add(f[0])
        ms = minors(f[1]) - set(OLD) | {v for v in OLD if f[0] in old[v]}
        f[1] = render(ms)
        out.append("\t".join(f))
    new = sorted(n for v in OLD for n in old[v] if n not in seen)
    body = [l for l in out if l and not l.startswith("#")]
    for n in dict.fromkeys(new):
        f = [n, render({v for v in OLD if n in old[v]})] + ([TAGS[n]] if n in TAGS else [])
        body.append("\t".join(f))
    body.sort(key=lambda l: l.split("\t")[0])
    head = [l for l in out if not l or l.startswith("#")]
    head = [l for l in out[: out.index(next(l for l in out if l and not l.startswith("#")))]]
    open(PATH, "w").write("\n".join(head + body) + "\n")


main()
