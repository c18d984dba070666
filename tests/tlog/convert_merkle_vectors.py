#!/usr/bin/python3
"""Converts the inclusion and consistency probes of github
transparency-dev/merkle (testdata/inclusion, testdata/consistency) into the
one-line-per-probe files merkle-inclusion.txt and merkle-consistency.txt.

    convert_merkle_vectors.py MERKLE_CHECKOUT COMMIT
"""
import base64
import glob
import json
import os
import sys

src, commit = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))


def b64(v):
    return "-" if v is None or v == "" else v


def proof(p):
    return "-" if not p else ",".join(x if x else "!" for x in p)


for kind, fields in (("inclusion", ("leafIdx", "treeSize", "root", "leafHash")),
                     ("consistency", ("size1", "size2", "root1", "root2"))):
    rows = []
    for path in sorted(glob.glob(os.path.join(src, "testdata", kind, "**", "*.json"),
                             recursive=True)):
        p = json.load(open(path))
        rows.append("%d %d %s %s %s %d %s" % (
            p[fields[0]], p[fields[1]], b64(p[fields[2]]), b64(p[fields[3]]),
            proof(p["proof"]), 1 if p["wantErr"] else 0,
            os.path.relpath(path, os.path.join(src, "testdata"))))
    with open(os.path.join(here, "merkle-%s.txt" % kind), "w") as f:
        f.write("# source: github.com/transparency-dev/merkle testdata/%s (commit %s)\n"
                % (kind, commit))
        f.write("# %s %s %s %s proof(base64,comma-separated; - none; ! empty) want_error path\n"
                % fields)
        f.write("\n".join(rows) + "\n")
