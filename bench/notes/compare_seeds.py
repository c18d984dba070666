"""Compares the reference scorer's statuses run with several seeds
(reference.py with SEED set) with each other and with dacc's, so that
dacc's agreement with the reference can be read beside the reference's
agreement with itself.

Usage: compare_seeds.py [--final] DACC_SCORED.tsv REFERENCE_1.tsv REFERENCE_2.tsv ...

Without --final the references are reference.py's core outputs and the
statuses compared the core's; with it both sides are the whole pipeline's
scored_notes.tsv (reference_outputs.py) and the statuses finalRatingStatus,
the rules metaScorerActiveRules.

Prints, for every pair of reference runs, the share of notes given the same
status, and for dacc against each run the same; then how many notes change
status between some two reference runs, agreement with the status most
runs give, and of the notes where dacc
differs from the first run, how many the reference itself does not settle
(some other run agrees with dacc) and which rules differ there.
"""
import collections
import csv
import itertools
import sys


def load(path, status, rules):
    with open(path, newline="") as f:
        return {r["noteId"]: (r[status], r[rules]) for r in csv.DictReader(f, delimiter="\t")}


def agreement(a, b):
    common = set(a) & set(b)
    same = sum(a[k][0] == b[k][0] for k in common)
    return same, len(common)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--final":  # the whole pipeline's scored_notes.tsv on both sides
        args = args[1:]
        ours = load(args[0], "finalRatingStatus", "metaScorerActiveRules")
        refs = [load(p, "finalRatingStatus", "metaScorerActiveRules") for p in args[1:]]
    else:
        ours = load(args[0], "coreRatingStatus", "coreActiveRules")
        refs = [load(p, "internalRatingStatus", "internalActiveRules") for p in args[1:]]
    for (i, a), (j, b) in itertools.combinations(enumerate(refs), 2):
        s, n = agreement(a, b)
        print(f"reference run {i + 1} vs run {j + 1}: {s}/{n} = {100.0 * s / max(n, 1):.2f}%")
    for i, b in enumerate(refs):
        s, n = agreement(ours, b)
        print(f"dacc vs reference run {i + 1}: {s}/{n} = {100.0 * s / max(n, 1):.2f}%")
    notes = set.intersection(*(set(r) for r in refs)) & set(ours)
    mode = {k: (collections.Counter(r[k][0] for r in refs).most_common(1)[0][0], "")
            for k in notes}
    for i, b in enumerate(refs):
        s, n = agreement(b, mode)
        print(f"reference run {i + 1} vs the runs' most common status: "
              f"{100.0 * s / max(n, 1):.2f}%")
    s, n = agreement(ours, mode)
    print(f"dacc vs the runs' most common status: {s}/{n} = {100.0 * s / max(n, 1):.2f}%")
    unstable = [k for k in notes if len({r[k][0] for r in refs}) > 1]
    print(f"notes whose reference status depends on the seed: {len(unstable)} of {len(notes)}")
    differ = [k for k in notes if ours[k][0] != refs[0][k][0]]
    settled = [k for k in differ if k not in set(unstable)]
    print(f"dacc differs from run 1 on {len(differ)} notes; on {len(differ) - len(settled)} "
          f"of them the reference runs disagree among themselves")
    why = collections.Counter()
    for k in settled:
        a, b = set(ours[k][1].split(",")), set(refs[0][k][1].split(","))
        why[",".join(sorted(r.split(" ")[0] for r in a ^ b))] += 1
    for rules, n in why.most_common(8):
        print(f"  differ where every run agrees, rules {rules or '(same rules)'}: {n}")


if __name__ == "__main__":
    main()
