#!/usr/bin/python3
"""bench/vuln data: 10^5 OSV advisories in one zip, as osv.dev publishes an
ecosystem, and a 5,000-package dpkg status file (this machine's, plus
generated packages). Deterministic for a given status file.

Usage: gen.py STATUS_IN OUT_DIR [ADVISORIES] [PACKAGES]"""
import json
import random
import sys
import zipfile

from debian import deb822

status_in, out = sys.argv[1], sys.argv[2]
n_adv = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
n_pkg = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
rnd = random.Random(20)

paras = [p for p in deb822.Packages.iter_paragraphs(open(status_in, encoding="utf-8"))
         if "Version" in p and "Package" in p]
lines = []
sources = {}
for p in paras:
    lines.append(p.dump().rstrip("\n"))
    src = p.get("Source", p["Package"]).split(" (")[0].strip()
    ver = p["Source"].split("(")[1].rstrip(")").strip() if "(" in p.get("Source", "") else p["Version"]
    sources[src] = ver
i = 0
while len(lines) < n_pkg:
    name = "genpkg%d" % i
    up = "%d.%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 30), rnd.randint(0, 99))
    rev = rnd.choice(["-1", "-2", "-1+deb12u1", "-3~bpo12+1", "-1+b1", ""])
    epoch = rnd.choice(["", "", "", "1:", "2:"])
    ver = epoch + up + rev
    src = "gensrc%d" % (i // 3)
    lines.append("Package: %s\nStatus: install ok installed\nSource: %s (%s)\nVersion: %s\n"
                 "Architecture: amd64\nDescription: generated" % (name, src, ver, ver))
    sources.setdefault(src, ver)
    i += 1
with open(out + "/status", "w", encoding="utf-8") as f:
    f.write("\n\n".join(lines) + "\n")

names = sorted(sources)


def bump(v, up):
    """A version just above (up) or below v in dpkg's order."""
    if up:
        return rnd.choice([v + "+deb12u1", v + ".1", v + "a"])
    return rnd.choice([v + "~rc1", v + "~deb12u1", "0~" + v.split(":")[-1]])


def rec(i):
    r = rnd.random()
    if r < 0.7:
        name = rnd.choice(names) if rnd.random() < 0.5 else "othersrc%d" % rnd.randint(0, 20000)
        base = sources.get(name, "1.%d-1" % rnd.randint(0, 50))
        kind = rnd.random()
        fixed = base if kind < 0.3 else bump(base, kind < 0.6)
        eco = "Debian:%s" % rnd.choice(["11", "12", "12", "12", "13"])
        evs = [{"introduced": "0"}, {"fixed": fixed}]
        typ = "ECOSYSTEM"
    elif r < 0.85:
        eco, typ = "PyPI", "ECOSYSTEM"
        name = "pypkg%d" % rnd.randint(0, 5000)
        evs = [{"introduced": "%d.0" % rnd.randint(0, 3)},
               {"fixed": "%d.%d.post1" % (rnd.randint(3, 5), rnd.randint(0, 9))}]
    else:
        eco, typ = "npm", "SEMVER"
        name = "jspkg%d" % rnd.randint(0, 5000)
        evs = [{"introduced": "0"}, {"fixed": "%d.%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 9), rnd.randint(0, 9))}]
    return {
        "schema_version": "1.6.0",
        "id": "BENCH-%06d" % i,
        "modified": "2026-11-%02dT00:00:00Z" % rnd.randint(1, 30),
        "published": "2026-01-01T00:00:00Z",
        "aliases": ["CVE-2026-%05d" % i],
        "summary": "generated advisory %d" % i,
        "details": "A generated advisory for the dacc vuln benchmark; the text stands for an "
                   "advisory's description, which readers must parse and skip.",
        "affected": [{"package": {"ecosystem": eco, "name": name},
                      "ranges": [{"type": typ, "events": evs}]}],
        "references": [{"type": "ADVISORY", "url": "https://security-tracker.debian.org/"},
                       {"type": "WEB", "url": "https://example.org/%d" % i}],
    }


with zipfile.ZipFile(out + "/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(n_adv):
        z.writestr("BENCH-%06d.json" % i, json.dumps(rec(i)))
print("%d advisories, %d packages (%d from %s)" % (n_adv, len(lines), len(paras), status_in))
