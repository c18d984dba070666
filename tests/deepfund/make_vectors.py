#!/usr/bin/python3
"""Writes the reference-agreement vectors of tests/deepfund/vectors/.

Runs the deep-funding reference scorer (github deepfunding/scoring,
scoring.py: cost_function and find_optimal_weights, scipy SLSQP) on three
rounds and records its costs and its SLSQP mixture. The reference is not part
of dacc: pass the directory holding scoring.py.

    /usr/bin/python3 tests/deepfund/make_vectors.py /path/to/deepfunding-scoring

Needs Debian's python3-numpy and python3-scipy.
"""
import csv
import math
import os
import random
import sys

sys.path.insert(0, sys.argv[1])
from scoring import cost_function, find_optimal_weights  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data", "deepfund")


def write_case(name, source, items, dists, samples):
    out = os.path.join(HERE, "vectors", name)
    os.makedirs(out, exist_ok=True)
    logits = [[math.log(p) for p in d] for d in dists.values()]
    with open(os.path.join(out, "jury.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["repo_a", "repo_b", "log_ratio"])
        for a, b, c in samples:
            w.writerow([items[a], items[b], repr(c)])
    for sub, d in dists.items():
        with open(os.path.join(out, sub + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["repo", "weight"])
            for item, p in zip(items, d):
                w.writerow([item, repr(p)])
    weights = find_optimal_weights(logits, samples)
    mixed = [sum(wk * L[i] for wk, L in zip(weights, logits)) for i in range(len(items))]
    with open(os.path.join(out, "expected.csv"), "w", newline="") as f:
        f.write("# source: %s; reference: github deepfunding/scoring scoring.py\n" % source)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "name", "value"])
        for sub, L in zip(dists, logits):
            w.writerow(["cost", sub, repr(cost_function(L, samples))])
        for sub, wk in zip(dists, weights):
            w.writerow(["slsqp_weight", sub, repr(float(wk))])
        w.writerow(["slsqp_cost", "mixture", repr(cost_function(mixed, samples))])


def lotr():
    """The reference's example.py: twenty characters, three of its
    distributions (gpt, claude, deepseek), and 60 seeded juror answers drawn
    around its 'human' distribution."""
    items = ["Frodo Baggins", "Samwise Gamgee", "Gandalf", "Aragorn", "Legolas", "Gimli",
             "Meriadoc Brandybuck", "Peregrin Took", "Boromir", "Faramir", "Eowyn", "Eomer",
             "Theoden", "Treebeard", "Elrond", "Galadriel", "Celeborn", "Arwen Undomiel",
             "Bilbo Baggins", "Tom Bombadil"]
    dists = {
        "gpt": [0.25, 0.20, 0.15, 0.10, 0.03, 0.03, 0.03, 0.03, 0.02, 0.02,
                0.03, 0.02, 0.02, 0.03, 0.01, 0.02, 0.01, 0.01, 0.03, 0.01],
        "claude": [20, 18, 12, 8, 3, 3, 2, 2, 2, 2, 4, 2, 2, 3, 5, 5, 1, 2, 3, 1],
        "deepseek": [40, 30, 10, 5, 2, 2, 1, 1, 0.5, 0.5, 2, 1, 1, 1, 0.5,
                     0.3, 0.2, 0.5, 0.1, 0.05],
    }
    human = [0.17, 0.10, 0.10, 0.10, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03,
             0.01, 0.02, 0.02, 0.05, 0.02, 0.02, 0.01, 0.01, 0.03, 0.01]
    rng = random.Random(20241224)
    samples = []
    for _ in range(60):
        a, b = rng.sample(range(len(items)), 2)
        c = math.log(human[b] / human[a]) + rng.gauss(0, 0.5)
        samples.append((a, b, c))
    # Raw (unnormalised) weights, as example.py passes them.
    write_case("lotr", "example.py of the reference, seeded answers", items, dists, samples)


def pond():
    """The real Level-1 jury (593 answers) and two real submissions
    (composite_model normalised from percentages)."""
    def read_sub(path):
        rows = list(csv.DictReader(open(path, newline="")))
        return {r["repo"].lower(): float(r["weight"]) for r in rows}
    subs = {"arbitron": read_sub(os.path.join(DATA, "model-arbitron.csv")),
            "composite": read_sub(os.path.join(DATA, "model-composite_model.csv"))}
    items = sorted(subs["arbitron"])
    dists = {}
    for name, s in subs.items():
        total = sum(s[i] for i in items)
        dists[name] = [s[i] / total for i in items]
    index = {r: i for i, r in enumerate(items)}
    samples = []
    for r in csv.DictReader(open(os.path.join(DATA, "pond-l1-juror-pairs.csv"), newline="")):
        m = math.log(float(r["multiplier"]))
        samples.append((index[r["repo_a"].lower()], index[r["repo_b"].lower()],
                        m if r["choice"] == "2" else -m))
    write_case("pond", "shared/data/deepfund (Pond Level 1 jury, arbitron, composite_model)",
               items, dists, samples)


def synthetic():
    """Eight submissions over 150 items, 3000 noisy answers."""
    rng = random.Random(7)
    n = 150
    truth = [rng.gauss(0, 1.5) for _ in range(n)]
    items = ["proj-%03d" % i for i in range(n)]
    dists = {}
    for k in range(8):
        noise = 0.3 + 0.25 * k
        raw = [math.exp(t + rng.gauss(0, noise)) for t in truth]
        s = sum(raw)
        dists["model%d" % k] = [x / s for x in raw]
    samples = []
    for _ in range(3000):
        a, b = rng.sample(range(n), 2)
        samples.append((a, b, truth[b] - truth[a] + rng.gauss(0, 0.8)))
    write_case("synthetic", "seeded synthetic round", items, dists, samples)


lotr()
pond()
synthetic()
