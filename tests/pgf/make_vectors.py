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
votes = pd.read_csv(os.path.join(here, "..", "data", "gitcoin-gr03-contributions.csv"),
                    dtype={"address": str, "grant_id": str})
donations = votes.pivot_table(index="address", columns="grant_id", values="amount_in_usdt",
                              fill_value=0, aggfunc="sum")
results = {
    "qf": fu.standard_qf(donations),
    "pairwise": fu.pairwise(donations, M=0.01),
    "cocm-markov": fu.COCM(donations, donations, calcstyle="markov", harsh=True),
    "cocm-pct_friends": fu.COCM(donations, donations, calcstyle="pct_friends", harsh=True),
    "cocm-og": fu.COCM(donations, donations, calcstyle="og", harsh=True),
    "cocm-markov-fancy": fu.COCM(donations, donations, calcstyle="markov", harsh=False),
}
with open(os.path.join(here, "gr03-expected.csv"), "w", newline="") as f:
    f.write("# source: gitcoinco/qf-calculator fundingutils.py on tests/data/gitcoin-gr03-contributions.csv\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["mechanism", "project", "match"])
    for name, funding in results.items():
        for project in sorted(funding):
            w.writerow([name, project, repr(float(funding[project]))])
