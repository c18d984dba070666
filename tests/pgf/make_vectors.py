#!/usr/bin/python3
"""Writes tests/pgf/gr03-expected.csv: Gitcoin's qf-calculator
(github gitcoinco/qf-calculator, fundingutils.py) run on the real Gitcoin
Grants Round 3 donations in tests/data/ — standard QF, pairwise (M = 0.01)
and COCM in its three styles (harsh), the donation matrix as the cluster
matrix, as Gitcoin runs it.

    /usr/bin/python3 tests/pgf/make_vectors.py /path/to/qf-calculator

Needs Debian's python3-pandas and python3-numpy. fundingutils.py imports
streamlit only for a cache decorator; a stand-in module provides it.
"""
import csv
import os
import sys
import types

stub = types.ModuleType("streamlit")
stub.cache_resource = lambda **kw: (lambda f: f)
sys.modules["streamlit"] = stub
sys.path.insert(0, sys.argv[1])
import pandas as pd  # noqa: E402
import fundingutils as fu  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))


def expected(votes, donor, project, amount, out, source):
    donations = votes.pivot_table(index=donor, columns=project, values=amount, fill_value=0,
                                  aggfunc="sum")
    results = {
        "qf": fu.standard_qf(donations),
        "pairwise": fu.pairwise(donations, M=0.01),
        "cocm-markov": fu.COCM(donations, donations, calcstyle="markov", harsh=True),
        "cocm-pct_friends": fu.COCM(donations, donations, calcstyle="pct_friends", harsh=True),
        "cocm-og": fu.COCM(donations, donations, calcstyle="og", harsh=True),
        "cocm-markov-fancy": fu.COCM(donations, donations, calcstyle="markov", harsh=False),
    }
    with open(os.path.join(here, out), "w", newline="") as f:
        f.write("# source: gitcoinco/qf-calculator fundingutils.py on %s\n" % source)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mechanism", "project", "match"])
        for name, funding in results.items():
            for p in sorted(funding):
                w.writerow([name, p, repr(float(funding[p]))])


votes = pd.read_csv(os.path.join(here, "..", "data", "gitcoin-gr03-contributions.csv"),
                    dtype={"address": str, "grant_id": str})
expected(votes, "address", "grant_id", "amount_in_usdt", "gr03-expected.csv",
         "tests/data/gitcoin-gr03-contributions.csv")

# Explicit clusters for GR03 (seeded "stamps": most donors in one to three of
# eight clusters with weights, some in none) and COCM with them.
import random  # noqa: E402
rng = random.Random(3)
crow = []
for a in sorted(set(votes["address"])):
    if rng.random() < 0.1:
        continue
    for c in rng.sample(range(8), rng.randint(1, 3)):
        crow.append((a, "stamp%d" % c, rng.choice([1, 1, 2, 0.5])))
crow.append(("0xnot-a-donor", "stamp0", 1))
with open(os.path.join(here, "gr03-clusters.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["donor", "cluster", "weight"])
    w.writerows(crow)
donations = votes.pivot_table(index="address", columns="grant_id", values="amount_in_usdt",
                              fill_value=0, aggfunc="sum")
clusters = pd.DataFrame(0.0, index=sorted(set(r[0] for r in crow)),
                        columns=sorted(set(r[1] for r in crow)))
for a, c, wt in crow:
    clusters.loc[a, c] += wt
with open(os.path.join(here, "gr03-expected.csv"), "a", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for style in ("markov", "pct_friends", "og"):
        funding = fu.COCM(donations, clusters, calcstyle=style, harsh=True)
        for p in sorted(funding):
            w.writerow(["cocm-clusters-" + style, p, repr(float(funding[p]))])

# A synthetic round: 1200 donors, 40 projects, 5000 donations with a few
# coordinated rings (donors who all give to the same projects).
import random  # noqa: E402
rng = random.Random(8)
rows = []
for _ in range(5000):
    d = "donor%04d" % rng.randrange(1200)
    p = "project%02d" % min(39, int(rng.paretovariate(1.2)) - 1)
    rows.append((d, p, round(rng.lognormvariate(1.5, 1.2), 2)))
for ring in range(5):
    for m in range(25):
        for p in (ring * 7 % 40, (ring * 7 + 3) % 40):
            rows.append(("ring%d-%02d" % (ring, m), "project%02d" % p, 2.0))
with open(os.path.join(here, "synthetic-round.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["donor", "project", "amount"])
    w.writerows(rows)
synth = pd.read_csv(os.path.join(here, "synthetic-round.csv"), dtype={"donor": str, "project": str})
expected(synth, "donor", "project", "amount", "synthetic-expected.csv",
         "tests/pgf/synthetic-round.csv (seeded; written by this script)")
