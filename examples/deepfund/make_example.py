#!/usr/bin/env python3
"""Regenerates the example round in this directory (standard library only).

A two-level graph under `ethereum`: a dozen of its core repositories, and for
each a few of their real dependencies. A hidden "true" credit split produces
the juror answers (with noise, in the Pond export format) and three model
submissions of different quality. Fixed seed: the files are reproducible.
"""
import csv
import json
import math
import random

rng = random.Random(2026)
L1 = {
    "https://github.com/ethereum/go-ethereum": ["https://github.com/syndtr/goleveldb",
        "https://github.com/holiman/uint256", "https://github.com/golang/snappy",
        "https://github.com/ethereum/c-kzg-4844"],
    "https://github.com/paradigmxyz/reth": ["https://github.com/alloy-rs/alloy",
        "https://github.com/paradigmxyz/revm", "https://github.com/tokio-rs/tokio",
        "https://github.com/rust-lang/hashbrown"],
    "https://github.com/sigp/lighthouse": ["https://github.com/sigp/discv5",
        "https://github.com/libp2p/rust-libp2p", "https://github.com/supranational/blst"],
    "https://github.com/prysmaticlabs/prysm": ["https://github.com/libp2p/go-libp2p",
        "https://github.com/supranational/blst", "https://github.com/prysmaticlabs/gohashtree"],
    "https://github.com/ethereum/solidity": ["https://github.com/boostorg/boost",
        "https://github.com/ethereum/evmone", "https://github.com/nlohmann/json"],
    "https://github.com/foundry-rs/foundry": ["https://github.com/alloy-rs/alloy",
        "https://github.com/paradigmxyz/revm", "https://github.com/clap-rs/clap"],
    "https://github.com/ethers-io/ethers.js": ["https://github.com/paulmillr/noble-curves",
        "https://github.com/paulmillr/noble-hashes"],
    "https://github.com/wevm/viem": ["https://github.com/paulmillr/noble-curves",
        "https://github.com/paulmillr/noble-hashes", "https://github.com/wevm/abitype"],
    "https://github.com/nethermindeth/nethermind": ["https://github.com/dotnet/runtime",
        "https://github.com/facebook/rocksdb", "https://github.com/nethermindeth/dotnetty"],
    "https://github.com/ethereum/consensus-specs": ["https://github.com/ethereum/py-ssz",
        "https://github.com/ethereum/py_ecc"],
    "https://github.com/openzeppelin/openzeppelin-contracts": [
        "https://github.com/nomicfoundation/hardhat", "https://github.com/foundry-rs/forge-std"],
    "https://github.com/hyperledger/besu": ["https://github.com/hyperledger/besu-native",
        "https://github.com/facebook/rocksdb", "https://github.com/netty/netty"],
}
ROOT = "ethereum"
truth = {}          # (parent, child) -> log credit
edges = []
for repo in L1:
    edges.append((ROOT, repo))
for repo, deps in L1.items():
    for d in deps:
        edges.append((repo, d))
for e in edges:
    truth[e] = rng.gauss(0, 1.0)
# Graph weights: the share each parent passes on (its originality is the rest),
# split by a flat prior; the round replaces the split, keeps the share.
passed = {ROOT: 1.0}
for repo in L1:
    passed[repo] = round(rng.uniform(0.2, 0.6), 2)
children = {}
for p, c in edges:
    children.setdefault(p, []).append(c)
with open("graph.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["parent", "dependency", "weight"])
    for p, c in edges:
        w.writerow([p, c, "%.17g" % (passed[p] / len(children[p]))])

jurors = ["juror%02d" % i for i in range(1, 13)]
with open("jury.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["timestamp", "juror", "repo_a", "repo_b", "parent", "choice", "multiplier"])
    t = 1767225600  # 2026-01-01
    for i in range(320):
        p = ROOT if rng.random() < 0.4 else rng.choice(list(L1))
        a, b = rng.sample(children[p], 2)
        bias = 1.5 if jurors[i % 12] == "juror07" else 0.0  # one contrarian juror
        c = truth[(p, b)] - truth[(p, a)] + rng.gauss(0, 0.6) + (bias if rng.random() < 0.5 else -bias)
        ratio = min(999, round(math.exp(abs(c)), 2))
        stamp = t + 137 * i
        w.writerow(["%d" % stamp, jurors[i % 12], a, b, p, "2" if c > 0 else "1",
                    "%.2f" % max(1.0, ratio)])


def submission(name, noise, skew):
    with open("model-%s.csv" % name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["repo", "parent", "weight"])
        for p, kids in children.items():
            logits = [truth[(p, c)] * skew + rng.gauss(0, noise) for c in kids]
            z = sum(math.exp(x) for x in logits)
            for c, x in zip(kids, logits):
                w.writerow([c, p, "%.9f" % (math.exp(x) / z)])


submission("careful", 0.35, 1.0)
submission("bold", 0.5, 1.8)
submission("lazy", 1.0, 0.2)
json.dump({
    "graph": "graph.csv",
    "jury": "jury.csv",
    "submissions": {"careful": "model-careful.csv", "bold": "model-bold.csv",
                    "lazy": "model-lazy.csv"},
    "split": {"seed": "example-round-2026", "private": 0.5},
    "pool": "1000000.00",
    "decimals": 2,
}, open("round.json", "w"), indent=2)
open("round.json", "a").write("\n")
