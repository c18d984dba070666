#!/usr/bin/python3
"""bench/vuln's reference: a straightforward OSV matcher in Python, with
python3-debian (deb822, debian_support.Version) and python3-packaging, doing
what dacc vuln does on the same files: read every record of the zip, index
affected packages by (ecosystem, name), read the dpkg status by source
package, and evaluate each range as the OSV schema's Evaluation section says.

Usage: reference.py ALL.ZIP STATUS RELEASE
Prints: seconds=S findings=N digest=SHA256 (of the sorted "id\\tname\\tversion\\n")"""
import hashlib
import json
import sys
import time
import zipfile

from debian import deb822
from debian.debian_support import Version as DebVersion
from packaging.version import Version as PyVersion

t0 = time.perf_counter()
zpath, status, release = sys.argv[1], sys.argv[2], sys.argv[3]
index = {}
with zipfile.ZipFile(zpath) as z:
    for n in z.namelist():
        r = json.loads(z.read(n))
        if r.get("withdrawn"):
            continue
        for a in r.get("affected", []):
            p = a["package"]
            eco = p["ecosystem"]
            index.setdefault((eco.split(":")[0], p["name"]), []).append((r, a))

inv = {}
for p in deb822.Packages.iter_paragraphs(open(status, encoding="utf-8")):
    if "Version" not in p or p.get("Status", "").split()[-1:] in (["not-installed"], ["config-files"]):
        continue
    src = p.get("Source", p["Package"])
    name = src.split(" (")[0].strip()
    ver = src.split("(")[1].rstrip(")").strip() if "(" in src else p["Version"]
    inv[(name, ver)] = True


def key(eco, v):
    return DebVersion(v) if eco == "Debian" else PyVersion(v)


def affected(eco, v, a):
    kv = key(eco, v)
    for r in a.get("ranges", []):
        evs = sorted(r["events"], key=lambda e: (0, None) if e.get("introduced") == "0" else
                     (1, key(eco, list(e.values())[0])))
        vuln = False
        for e in evs:
            if "introduced" in e and (e["introduced"] == "0" or kv >= key(eco, e["introduced"])):
                vuln = True
            elif "fixed" in e and kv >= key(eco, e["fixed"]):
                vuln = False
            elif "last_affected" in e and kv > key(eco, e["last_affected"]):
                vuln = False
        if vuln:
            return True
    return v in a.get("versions", [])


found = set()
for (name, ver) in inv:
    for r, a in index.get(("Debian", name), []):
        eco = a["package"]["ecosystem"]
        if ":" in eco and eco.split(":", 1)[1] != release:
            continue
        if affected("Debian", ver, a):
            found.add((r["id"], name, ver))
t1 = time.perf_counter()
d = hashlib.sha256("".join("%s\t%s\t%s\n" % f for f in sorted(found)).encode()).hexdigest()
print("seconds=%.3f findings=%d digest=%s" % (t1 - t0, len(found), d))
