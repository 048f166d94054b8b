#!/usr/bin/env python3
"""field-export.py: export one commit of a fetched repository snapshot into a folder, for the
field tests (docs/field-tests.md). Unlike `git archive`, a blob missing from the snapshot (the
fetch tool leaves out the largest files) is skipped and named instead of aborting the export.

usage: scripts/field-export.py GIT_DIR COMMIT OUT [SUBFOLDER]
"""
import os
import subprocess
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    git, commit, out = sys.argv[1:4]
    sub = sys.argv[4:]
    ls = subprocess.run(["git", "--git-dir", git, "ls-tree", "-r", "-z", commit] + sub,
                        capture_output=True, check=True).stdout
    for ent in ls.split(b"\0"):
        if not ent:
            continue
        meta, path = ent.split(b"\t", 1)
        mode, typ, obj = meta.split()
        if typ != b"blob":
            continue
        p = os.path.join(out, path.decode())
        r = subprocess.run(["git", "--git-dir", git, "cat-file", "blob", obj], capture_output=True)
        if r.returncode != 0:
            print("missing from the snapshot:", path.decode())
            continue
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if mode == b"120000":
            os.symlink(r.stdout.decode(), p)
            continue
        with open(p, "wb") as f:
            f.write(r.stdout)
        if mode == b"100755":
            os.chmod(p, 0o755)


main()
