# bench/market: an operations file for `dacc market run` with many accounts.
# Usage: ledger_ops.py OUT.jsonl
# 40k accounts, 80k operations: markets, deposits, buys, sells, resolutions,
# an invalid market, redemptions. Deterministic (seed 1).
import json, random, sys
random.seed(1)
A, M = 40000, 20
ops = []
t = 0
for m in range(M):
    ops.append({"op": "create", "market": f"m{m}", "kind": "lmsr", "outcomes": 2, "b": "5000", "time": t})
for a in range(A):
    ops.append({"op": "deposit", "account": f"acct-{a:05d}", "amount": "1000"})
held, count = [], {}
for i in range(30000):
    t += 1
    a, m, o = random.randrange(A), random.randrange(M), random.randrange(2)
    ops.append({"op": "buy", "account": f"acct-{a:05d}", "market": f"m{m}", "outcome": o, "shares": "3", "time": t})
    held.append((a, m, o))
    count[(a, m, o)] = count.get((a, m, o), 0) + 3
for i in range(8000):
    t += 1
    a, m, o = held[random.randrange(len(held))]
    if count[(a, m, o)] == 0:
        continue
    count[(a, m, o)] -= 1
    ops.append({"op": "sell", "account": f"acct-{a:05d}", "market": f"m{m}", "outcome": o, "shares": "1", "time": t})
for m in range(10):
    ops.append({"op": "resolve", "market": f"m{m}", "outcome": m % 2})
ops.append({"op": "resolve", "market": "m10", "invalid": True})
seen = set()
for a, m, o in held:
    if m < 10 and (a, m) not in seen and len(ops) < 80000:
        seen.add((a, m))
        ops.append({"op": "redeem", "account": f"acct-{a:05d}", "market": f"m{m}"})
while len(ops) < 80000:
    t += 1
    a, m = random.randrange(A), 11 + random.randrange(M - 11)
    ops.append({"op": "buy", "account": f"acct-{a:05d}", "market": f"m{m}", "outcome": 0, "shares": "1", "time": t})
with open(sys.argv[1], "w") as f:
    for op in ops:
        f.write(json.dumps(op) + "\n")
