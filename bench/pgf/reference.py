#!/usr/bin/python3
"""The reference side of bench/pgf: Gitcoin's qf-calculator (fundingutils.py)
on the same donation file. Prints "<mechanism> seconds=... total=..." like
bench_pgf. Mechanisms slower than the budget are skipped.

    reference.py QF_CALCULATOR_DIR FILE [MECHANISM...]
"""
import sys
import time
import types

stub = types.ModuleType("streamlit")
stub.cache_resource = lambda **kw: (lambda f: f)
sys.modules["streamlit"] = stub
sys.path.insert(0, sys.argv[1])
import pandas as pd  # noqa: E402
import fundingutils as fu  # noqa: E402

votes = pd.read_csv(sys.argv[2], dtype={"donor": str, "project": str})
d = votes.pivot_table(index="donor", columns="project", values="amount", fill_value=0,
                      aggfunc="sum")
runs = {
    "qf": lambda: fu.standard_qf(d),
    "pairwise": lambda: fu.pairwise(d, M=0.01),
    "cocm_markov": lambda: fu.COCM(d, d, calcstyle="markov", harsh=True),
    "cocm_pct_friends": lambda: fu.COCM(d, d, calcstyle="pct_friends", harsh=True),
}
for name in sys.argv[3:] or runs:
    t = time.perf_counter()
    out = runs[name]()
    print("%s seconds=%.3f total=%.6g" % (name, time.perf_counter() - t, sum(out.values())))
