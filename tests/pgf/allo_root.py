#!/usr/bin/python3
"""Recomputes an Allo Merkle distribution written by `dacc fund linear --allo`,
independently of dacc: Keccak-256 from pycryptodome (Debian's
python3-pycryptodome), the tree as OpenZeppelin's StandardMerkleTree builds
it. Checks the dump's tree, root and every proof; exits non-zero on a
mismatch. Also checks itself first against the example of OpenZeppelin's
merkle-tree README (two (address, uint256) leaves)."""
import json
import sys

from Cryptodome.Hash import keccak


def k256(b):
    return keccak.new(digest_bits=256, data=b).digest()


def word(kind, v):
    if kind == "address":
        a = bytes.fromhex(v[2:])
        assert len(a) == 20, v
        return b"\0" * 12 + a
    assert kind == "uint256"
    return int(v).to_bytes(32, "big")


def leaf(kinds, value):
    return k256(k256(b"".join(word(k, v) for k, v in zip(kinds, value))))


def pair(a, b):
    return k256(min(a, b) + max(a, b))


def tree_of(kinds, values):
    hashes = sorted((leaf(kinds, v), i) for i, v in enumerate(values))
    n = len(hashes)
    tree = [None] * (2 * n - 1)
    where = {}
    for j, (h, i) in enumerate(hashes):
        tree[len(tree) - 1 - j] = h
        where[i] = len(tree) - 1 - j
    for i in range(len(tree) - 1 - n, -1, -1):
        tree[i] = pair(tree[2 * i + 1], tree[2 * i + 2])
    return tree, where


def verify(root, lf, proof):
    h = lf
    for p in proof:
        h = pair(h, p)
    return h == root


def main():
    readme = [["0x1111111111111111111111111111111111111111", "5000000000000000000"],
              ["0x2222222222222222222222222222222222222222", "2500000000000000000"]]
    t, _ = tree_of(["address", "uint256"], readme)
    want = "d4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77"
    if t[0].hex() != want:
        sys.exit("self-check: README root %s, not %s" % (t[0].hex(), want))
    doc = json.load(open(sys.argv[1]))
    kinds = doc["leafEncoding"]
    if doc["format"] != "standard-v1" or kinds != ["uint256", "address", "address", "uint256"]:
        sys.exit("not an Allo standard-v1 dump")
    values = [v["value"] for v in doc["values"]]
    tree, where = tree_of(kinds, values)
    if ["0x" + h.hex() for h in tree] != doc["tree"]:
        sys.exit("tree differs")
    if doc["merkleRoot"] != "0x" + tree[0].hex():
        sys.exit("root differs")
    for i, v in enumerate(doc["values"]):
        if v["treeIndex"] != where[i]:
            sys.exit("treeIndex of value %d differs" % i)
    for d in doc["distributions"]:
        value = [str(d["index"]), d["recipientId"], d["recipientAddress"], d["amount"]]
        if value != values[d["index"]]:
            sys.exit("distribution %d is not its value" % d["index"])
        proof = [bytes.fromhex(p[2:]) for p in d["merkleProof"]]
        if not verify(tree[0], leaf(kinds, value), proof):
            sys.exit("proof of distribution %d does not verify" % d["index"])
    print("ok %d payouts, root %s" % (len(values), doc["merkleRoot"]))


main()
