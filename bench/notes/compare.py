"""Compares dacc's scored_notes.tsv with the reference's statuses.

Usage: compare.py DACC_SCORED.tsv REFERENCE.tsv [DACC_HELPFULNESS.tsv REFERENCE_RATERS.tsv]

Prints status agreement over the notes both scored, the confusion counts
where they differ, and the Pearson correlation (and largest difference) of
the note intercepts and factors; with the helpfulness files, also how
often the two agree on which raters pass the helpfulness filter, and the
correlation of the round-2 rater factors.
"""
import collections
import csv
import math
import sys


def load(path, status, intercept, factor):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            i = row[intercept]
            out[row["noteId"]] = (row[status], float(i) if i not in ("", "nan") else None,
                                  float(row[factor]) if row[factor] not in ("", "nan") else None)
    return out


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def main():
    ours = load(sys.argv[1], "coreRatingStatus", "coreNoteIntercept", "coreNoteFactor1")
    ref = load(sys.argv[2], "internalRatingStatus", "internalNoteIntercept", "internalNoteFactor1")
    common = sorted(set(ours) & set(ref))
    same = sum(ours[k][0] == ref[k][0] for k in common)
    diff = collections.Counter((ref[k][0], ours[k][0]) for k in common if ours[k][0] != ref[k][0])
    both = [k for k in common if ours[k][1] is not None and ref[k][1] is not None]
    ci = pearson([ours[k][1] for k in both], [ref[k][1] for k in both])
    cf = pearson([ours[k][2] for k in both], [ref[k][2] for k in both])
    worst = max((abs(ours[k][1] - ref[k][1]) for k in both), default=0)
    print(f"notes: {len(common)} in both; status agreement {same}/{len(common)} = "
          f"{100.0 * same / max(len(common), 1):.2f}%")
    print(f"intercepts: {len(both)} in both; correlation {ci:.5f}; largest difference {worst:.4f}")
    print(f"factors: correlation {cf:.5f}")
    for (r, o), n in diff.most_common():
        print(f"  reference {r} -> dacc {o}: {n}")
    if len(sys.argv) > 4:
        raters(sys.argv[3], sys.argv[4])


def raters(ours_path, ref_path):
    def rows(path):
        with open(path, newline="") as f:
            return {r["raterParticipantId"]: r for r in csv.DictReader(f, delimiter="\t")}
    ours, ref = rows(ours_path), rows(ref_path)
    common = [k for k in ours if k in ref and ref[k]["aboveHelpfulnessThreshold"] != ""]
    same = sum((ours[k]["aboveHelpfulnessThreshold"] == "True") ==
               (ref[k]["aboveHelpfulnessThreshold"] == "True") for k in common)
    both = [k for k in common if ours[k]["coreRaterFactor1"] and ref[k]["internalRaterFactor1"]]
    cf = pearson([float(ours[k]["coreRaterFactor1"]) for k in both],
                 [float(ref[k]["internalRaterFactor1"]) for k in both]) if both else float("nan")
    print(f"raters: {len(common)} in both; helpfulness agreement {same}/{len(common)} = "
          f"{100.0 * same / max(len(common), 1):.2f}%; round-2 factor correlation {cf:.5f}")


if __name__ == "__main__":
    main()
