#!/usr/bin/python3
"""The reference side of bench/deepfund: the deep-funding scorer's own
cost_function and find_optimal_weights (github deepfunding/scoring,
scoring.py, SLSQP), plus a plain Python flow of the pool through the same
tree, on the files bench_deepfund gen wrote. Prints seconds=... like dacc.

    reference.py SCORING_DIR DATA_DIR
"""
import math
import sys
import time

import numpy as np

sys.path.insert(0, sys.argv[1])
from scoring import cost_function, find_optimal_weights  # noqa: E402

d = sys.argv[2]
edges = np.fromfile(d + "/edges.bin", dtype=[("p", "<u4"), ("c", "<u4"), ("w", "<f8")])
samples = np.fromfile(d + "/samples.bin", dtype=[("a", "<u4"), ("b", "<u4"), ("c", "<f8")])
ne = len(edges)
L = np.fromfile(d + "/logits.bin", dtype="<f8").reshape(-1, ne)
logits = [list(map(float, row)) for row in L]
smp = [(int(a), int(b), float(c)) for a, b, c in samples]
parent = [int(p) for p in edges["p"]]
child = [int(c) for c in edges["c"]]
passed = [float(w) for w in edges["w"]]

t0 = time.perf_counter()
costs = [cost_function(Lk, smp) for Lk in logits]
t1 = time.perf_counter()
w = find_optimal_weights(logits, smp)
mixed = [sum(wk * Lk[i] for wk, Lk in zip(w, logits)) for i in range(ne)]
mix_cost = cost_function(mixed, smp)
t2 = time.perf_counter()
# Weights: softmax within each parent times the share passed on; then the
# flow down the tree (edges are listed parents first) and each node's kept
# share, in exact integers by largest remainder.
groups = {}
for e in range(ne):
    groups.setdefault(parent[e], []).append(e)
weight = [0.0] * ne
for p, es in groups.items():
    top = max(mixed[e] for e in es)
    z = sum(math.exp(mixed[e] - top) for e in es)
    share = sum(passed[e] for e in es)
    for e in es:
        weight[e] = share * math.exp(mixed[e] - top) / z
inflow = [0.0] * (ne + 1)
inflow[0] = 1.0
out = [0.0] * (ne + 1)
for e in range(ne):
    inflow[child[e]] += weight[e] * inflow[parent[e]]
    out[parent[e]] += weight[e]
keep = [(1 - out[v]) * inflow[v] for v in range(ne + 1)]
pool = 10**12
total = sum(keep)
exact = [pool * k / total for k in keep]
amounts = [int(x) for x in exact]
left = pool - sum(amounts)
for v in sorted(range(ne + 1), key=lambda v: -(exact[v] - amounts[v]))[:left]:
    amounts[v] += 1
t3 = time.perf_counter()
print("seconds=%.3f score=%.3f mix=%.3f allocate=%.3f best_cost=%.6f mix_cost=%.6f amount0=%d"
      % (t3 - t0, t1 - t0, t2 - t1, t3 - t2, min(costs), mix_cost, amounts[1]))
