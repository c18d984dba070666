#!/usr/bin/python3
"""Writes the published vectors the anon tests check into key = value
files, one record per blank-line-separated block, each file headed by a
line naming its source and commit.

    convert_vectors.py H2C_CHECKOUT H2C_COMMIT VOPRF_CHECKOUT VOPRF_COMMIT

H2C is github cfrg/draft-irtf-cfrg-hash-to-curve (for
poc/vectors/expand_message_xmd_SHA512_38.json), VOPRF is github
cfrg/draft-irtf-cfrg-voprf (for poc/vectors/allVectors.json). The
checkouts may be bare repositories: files are read with git show.
"""
import json
import os
import subprocess
import sys

h2c, h2c_commit, voprf, voprf_commit = sys.argv[1:5]
here = os.path.dirname(os.path.abspath(__file__))


def show(repo, commit, path):
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def write(name, header, records):
    with open(os.path.join(here, name), "w") as f:
        f.write(header)
        for rec in records:
            f.write("\n")
            for k, v in rec:
                f.write(f"{k} = {v}\n")


xmd = json.loads(show(h2c, h2c_commit, "poc/vectors/expand_message_xmd_SHA512_38.json"))
write("expand-message-xmd-sha512.txt",
      f"# source: github.com/cfrg/draft-irtf-cfrg-hash-to-curve "
      f"poc/vectors/expand_message_xmd_SHA512_38.json (commit {h2c_commit}), RFC 9380 K.3\n"
      f"# len is decimal; the others hex\n",
      [[("dst", xmd["DST"].encode().hex()), ("msg", t["msg"].encode().hex()),
        ("len", int(t["len_in_bytes"], 16)), ("uniform_bytes", t["uniform_bytes"])]
       for t in xmd["tests"]])

suites = [s for s in json.loads(show(voprf, voprf_commit, "poc/vectors/allVectors.json"))
          if s["identifier"] == "ristretto255-SHA512"]
records = []
for s in suites:
    for v in s["vectors"]:
        rec = [("mode", s["mode"]), ("seed", s["seed"]), ("key_info", s["keyInfo"]),
               ("sk", s["skSm"]), ("pk", s.get("pkSm", "-")), ("batch", v["Batch"]),
               ("input", v["Input"]), ("info", v.get("Info", "-")), ("blind", v["Blind"]),
               ("blinded", v["BlindedElement"]), ("evaluated", v["EvaluationElement"]),
               ("proof", v["Proof"]["proof"] if "Proof" in v else "-"),
               ("proof_r", v["Proof"]["r"] if "Proof" in v else "-"), ("output", v["Output"])]
        records.append(rec)
write("voprf-ristretto255-sha512.txt",
      f"# source: github.com/cfrg/draft-irtf-cfrg-voprf poc/vectors/allVectors.json "
      f"(commit {voprf_commit}), RFC 9497 Appendix A.1, suite ristretto255-SHA512\n"
      f"# batch > 1: comma-separated lists; - absent\n", records)
