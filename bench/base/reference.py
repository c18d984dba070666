"""Python references for bench/base, doing the same work as bench_base.

csv FILE: the csv module reads the file, decimal.Decimal sums the amounts
exactly at 6 decimals (as dacc_csv_get_money does).
apportion N: largest-remainder apportionment with exact integers
(fractions-free: floor division and remainders), same weights rule.
"""
import csv
import decimal
import sys
import time


def read_csv(path):
    t0 = time.monotonic()
    total = decimal.Decimal(0)
    chars = rows = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            total += decimal.Decimal(row["amount"])
            chars += len(row["donor"])
            rows += 1
    print(f"rows={rows} sum={total:.6f} donor_chars={chars} seconds={time.monotonic() - t0:.3f}")


def apportion(n):
    # integer weights 1..10^6 as in bench_base; exact Hamilton method
    import random
    rnd = random.Random(0)
    w = [rnd.randrange(1000000) + 1 for _ in range(n)]
    pool = 10 ** 24
    t0 = time.monotonic()
    total = sum(w)
    parts = [pool * x // total for x in w]
    rems = sorted(range(n), key=lambda i: (-(pool * w[i] % total), -w[i], i))
    for i in rems[: pool - sum(parts)]:
        parts[i] += 1
    print(f"n={n} seconds={time.monotonic() - t0:.3f}")


if __name__ == "__main__":
    if sys.argv[1] == "csv":
        read_csv(sys.argv[2])
    else:
        apportion(int(sys.argv[2]))
