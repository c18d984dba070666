"""Compares dacc's four output files with the reference's, column by column.

Usage: compare_outputs.py DACC_OUT_DIR REFERENCE_OUT_DIR

For each file the headers must be the same (names and order). Rows are
matched by noteId (raterParticipantId in helpfulness_scores.tsv). For every
column it prints how many matched rows agree: text exactly; numbers within
1e-9 relative (timestamps, counts); model parameters (intercepts, factors)
are also given as a correlation and the largest difference, since the two
solvers stop at different points (docs/notes.md); True/False and 1.0/0.0
are the same. Columns empty in both files are counted, not listed.
"""
import csv
import math
import sys

FILES = (("scored_notes.tsv", "noteId"), ("helpfulness_scores.tsv", "raterParticipantId"),
         ("note_status_history.tsv", "noteId"), ("aux_note_info.tsv", "noteId"))
PARAMS = ("Intercept", "Factor1")


def load(path, key):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header = rows[0]
    k = header.index(key)
    return header, {r[k]: r for r in rows[1:]}


def number(s):
    if s in ("True", "False"):
        return 1.0 if s == "True" else 0.0
    try:
        return float(s)
    except ValueError:
        return None


def same(a, b):
    if a == b:
        return True
    x, y = number(a), number(b)
    if x is None or y is None:
        return False
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def compare(name, key, ours_dir, ref_dir):
    oh, ours = load(f"{ours_dir}/{name}", key)
    rh, ref = load(f"{ref_dir}/{name}", key)
    print(f"== {name}: {len(rh)} columns, headers {'identical' if oh == rh else 'DIFFER'}; "
          f"rows {len(ours)} dacc, {len(ref)} reference, {len(set(ours) & set(ref))} in both")
    if oh != rh:
        print(f"  only in dacc: {sorted(set(oh) - set(rh))}; only in reference: "
              f"{sorted(set(rh) - set(oh))}")
    common = sorted(set(ours) & set(ref))
    empty = 0
    for col in rh:
        if col not in oh:
            continue
        i, j = oh.index(col), rh.index(col)
        pairs = [(ours[k][i], ref[k][j]) for k in common]
        if all(a == "" and b == "" for a, b in pairs):
            empty += 1
            continue
        agree = sum(same(a, b) for a, b in pairs)
        line = f"  {col}: {agree}/{len(pairs)} agree"
        only = sum((a == "") != (b == "") for a, b in pairs)
        if only:
            line += f" ({only} empty in one only)"
        if col.endswith(PARAMS):
            both = [(number(a), number(b)) for a, b in pairs if a != "" and b != ""]
            both = [(x, y) for x, y in both if x is not None and y is not None]
            if both:
                line += (f"; correlation {pearson([x for x, _ in both], [y for _, y in both]):.5f}"
                         f", largest difference {max(abs(x - y) for x, y in both):.4f}")
        print(line)
        if agree < len(pairs) and not col.endswith(PARAMS):
            diffs = {}
            for a, b in pairs:
                if not same(a, b):
                    diffs[(b, a)] = diffs.get((b, a), 0) + 1
            for (b, a), n in sorted(diffs.items(), key=lambda x: -x[1])[:3]:
                print(f"      reference {b!r} -> dacc {a!r}: {n}")
    print(f"  {empty} columns empty in both")


def main():
    for name, key in FILES:
        compare(name, key, sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
