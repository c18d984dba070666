#!/usr/bin/python3
"""The independent side of tests/screen: Biopython reads the records and
cuts and translates the windows, so the C readers and cutter are compared
with a second implementation (Debian python3-biopython, the check group).

  oracle.py records FORMAT FILE   name, length and residues of every record
  oracle.py windows FORMAT FILE   every window of every (unambiguous) record,
                                  in the order dacc_screen_windows_new gives
"""
import sys

from Bio import SeqIO
from Bio.Seq import Seq


def canonical(w):
    rc = str(Seq(w).reverse_complement())
    return min(w, rc)


def windows(seq):
    out = []
    for kind, span in (("dna42", 42), ("dna30", 30)):
        for i in range(len(seq) - span + 1):
            out.append("%s %d 0 %s" % (kind, i, canonical(seq[i:i + span])))
    for i in range(len(seq) - 60 + 1):
        w = Seq(seq[i:i + 60])
        out.append("aa20 %d 1 %s" % (i, w.translate(table=1)))
        out.append("aa20 %d -1 %s" % (i, w.reverse_complement().translate(table=1)))
    return out


def main():
    what, fmt, path = sys.argv[1:4]
    for rec in SeqIO.parse(path, fmt):
        seq = str(rec.seq).upper()
        if what == "records":
            print("%s %d %s" % (rec.name, len(seq), seq))
        else:
            print("\n".join(windows(seq)))


main()
