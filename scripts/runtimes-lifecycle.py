#!/usr/bin/env python3
"""Refresh the lifecycle dates of internal/runtimes/runtimes.json.

    scripts/runtimes-lifecycle.py LIFECYCLE.json "where it comes from" [YYYY-MM-DD]

LIFECYCLE.json has cfn-lint's shape (src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json:
{"python3.9": {"deprecated": ..., "create-block": ..., "update-block": ...}}), which cfn-lint keeps
in step with https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html. Compare it with
that page before a release, and pass the day you did as the third argument (default: today):
it is recorded as datesChecked and printed by `layerkit explain LK405`. Runtimes the file does
not list keep their dates; every change is printed."""
import collections
import datetime
import json
import sys

PATH = "internal/runtimes/runtimes.json"


def main():
    src, desc = sys.argv[1], sys.argv[2]
    day = sys.argv[3] if len(sys.argv) > 3 else datetime.date.today().isoformat()
    life = json.load(open(src))
    d = json.load(open(PATH), object_pairs_hook=collections.OrderedDict)
    for r in d["runtimes"]:
        e = life.get(r["id"])
        if e is None:
            print(f"{r['id']}: not in {src}; dates kept")
            continue
        for ours, theirs in (("deprecated", "deprecated"), ("blockCreate", "create-block"), ("blockUpdate", "update-block")):
            v = e.get(theirs) or ""
            if r.get(ours, "") != v:
                print(f"{r['id']} {ours}: {r.get(ours, '')!r} -> {v!r}")
                r[ours] = v
    for id in sorted(set(life) - {r["id"] for r in d["runtimes"]}):
        print(f"{id}: in {src} but not catalogued (add it by hand if Lambda offers it for .zip packages)")
    d["datesChecked"] = day
    d["datesSource"] = desc
    with open(PATH, "w") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")


main()
