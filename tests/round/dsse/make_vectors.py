#!/usr/bin/python3
"""Writes tests/round/dsse/vectors.json: DSSE v1.0.2 envelopes signed with
Ed25519 by a second implementation, independent of dacc's C code and of
libsodium: PAE, base64 and the envelope written here from protocol.md and
envelope.md (github secure-systems-lab/dsse), Ed25519 by OpenSSL through
Debian's python3-cryptography.

    /usr/bin/python3 tests/round/dsse/make_vectors.py > tests/round/dsse/vectors.json

The upstream repository has no test vectors for Ed25519 (its only example
is ECDSA P-256; it is kept here as a case that no Ed25519 key verifies).

Each "verify" case carries what this implementation computes: the number of
distinct trusted keys with a valid signature and the canonical form of the
envelope (dacc_dsse_write's rules: members payload, payloadType,
signatures; keyid then sig, keyid left out when empty; standard padded
base64; no whitespace; strings escaped as RFC 8785 does). Each "reject"
case is refused by this implementation's parser with the field named.
Output is deterministic (Ed25519 signatures are).
"""
import base64
import binascii
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

EVENT = "application/vnd.dacc.event+json"
HELLO = "http://example.com/HelloWorld"
KEYID_MAX, MAX_SIGS, SIG_MAX = 128, 64, 65536
L = 2**252 + 27742317777372353535851937790883648493  # the order of the base point

# The example of protocol.md (ECDSA P-256), verbatim.
UPSTREAM = ('{"payload": "aGVsbG8gd29ybGQ=",\n "payloadType": "http://example.com/HelloWorld",\n'
            ' "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJT'
            'fUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}')


class Refused(Exception):
    def __init__(self, status, field):
        super().__init__(status, field)
        self.status, self.field = status, field


def key(name):
    seed = hashlib.sha256(b"dacc dsse test key " + name.encode()).digest()
    return seed, Ed25519PrivateKey.from_private_bytes(seed)


def public(name):
    return key(name)[1].public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def pae(ptype, body):
    t = ptype.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(t), t, len(body), body)


def sign(name, msg):
    return key(name)[1].sign(msg)


def b64(b, url=False, pad=True):
    s = (base64.urlsafe_b64encode(b) if url else base64.standard_b64encode(b)).decode()
    return s if pad else s.rstrip("=")


def b64decode(s, field, cap):
    """The accepted spellings: one alphabet, exact padding or none, zero spare bits."""
    url = "-" in s or "_" in s
    body = s[:-2] if s.endswith("==") else s[:-1] if s.endswith("=") else s
    if len(body) % 4 == 1:
        raise Refused("parse", field)
    full = body + "=" * (-len(body) % 4)
    if body != s and full != s:
        raise Refused("parse", field)  # padding present but not exact
    try:
        out = base64.b64decode(full, altchars=b"-_" if url else None, validate=True)
    except binascii.Error:
        raise Refused("parse", field)
    if b64(out, url, body != s) != s:  # spare bits
        raise Refused("parse", field)
    if len(out) > cap:
        raise Refused("limit", field)
    return out


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Refused("parse", "")
    return dict(pairs)


def string(obj, k, field, required):
    if k not in obj or (not required and obj[k] is None):
        if required:
            raise Refused("notfound", field)
        return None
    if not isinstance(obj[k], str):
        raise Refused("invalid", field)
    return obj[k]


def parse(text):
    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates)
    except ValueError:
        raise Refused("parse", "")
    if not isinstance(doc, dict):
        raise Refused("invalid", "")
    payload = string(doc, "payload", "payload", True)
    ptype = string(doc, "payloadType", "payloadType", True)
    if "\0" in ptype:
        raise Refused("parse", "")
    body = b64decode(payload, "payload", 16 << 20)
    if "signatures" not in doc:
        raise Refused("notfound", "signatures")
    if not isinstance(doc["signatures"], list):
        raise Refused("invalid", "signatures")
    if len(doc["signatures"]) > MAX_SIGS:
        raise Refused("limit", "signatures")
    sigs = []
    for i, s in enumerate(doc["signatures"]):
        if not isinstance(s, dict):
            raise Refused("invalid", "signatures[%d]" % i)
        keyid = string(s, "keyid", "signatures[%d].keyid" % i, False) or ""
        if len(keyid.encode()) > KEYID_MAX:
            raise Refused("limit", "signatures[%d].keyid" % i)
        sig = string(s, "sig", "signatures[%d].sig" % i, True)
        sigs.append((keyid, b64decode(sig, "signatures[%d].sig" % i, SIG_MAX)))
    return ptype, body, sigs


def write(ptype, body, sigs):
    out = {"payload": b64(body), "payloadType": ptype, "signatures": []}
    for keyid, sig in sigs:
        out["signatures"].append(({"keyid": keyid} if keyid else {}) | {"sig": b64(sig)})
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def count_valid(ptype, body, sigs, names):
    msg, valid = pae(ptype, body), 0
    for name in dict.fromkeys(names):  # distinct keys, in order
        for _, sig in sigs:
            try:
                Ed25519PublicKey.from_public_bytes(public(name)).verify(sig, msg)
                valid += 1
                break
            except InvalidSignature:
                pass
    return valid


def envelope(ptype, body, sigs, url=False, pad=True, extra=None):
    """Envelope text with sigs [(keyid or None, bytes)], spelled as asked."""
    doc = {"payload": b64(body, url, pad), "payloadType": ptype, "signatures": []}
    for keyid, sig in sigs:
        s = {} if keyid is None else {"keyid": keyid}
        s["sig"] = b64(sig, url, pad)
        doc["signatures"].append(s)
    if extra:
        extra(doc)
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


EVENT_BODY = b'{"kind":"vote","round":"r1","voter":"alice","weight":"3"}'
URLISH = bytes(range(0xF8, 0x100)) + b"?>"  # base64 with '+', '/' and padding


def signed(ptype, body, names, keyids=None):
    keyids = keyids or [None] * len(names)
    return [(k, sign(n, pae(ptype, body))) for n, k in zip(names, keyids)]


def verify_cases():
    ev = signed(EVENT, EVENT_BODY, ["alice"], ["alice"])
    ab = signed(EVENT, EVENT_BODY, ["alice", "bob"], ["alice", "bob"])
    aa = signed(EVENT, EVENT_BODY, ["alice", "alice"], ["a1", "a2"])
    good = sign("alice", pae(EVENT, EVENT_BODY))
    s_plus_l = good[:32] + (int.from_bytes(good[32:], "little") + L).to_bytes(32, "little")
    u = signed(HELLO, URLISH, ["alice"])
    legacy = b"DSSEv1" + b"".join(len(x).to_bytes(8, "little") + x
                                  for x in (EVENT.encode(), EVENT_BODY))
    cases = [
        ("one-signature", envelope(EVENT, EVENT_BODY, ev), ["alice"], 1),
        ("untrusted-key", envelope(EVENT, EVENT_BODY, ev), ["bob"], 1),
        ("no-keys", envelope(EVENT, EVENT_BODY, ev), [], 1),
        ("keyid-is-only-a-hint",
         envelope(EVENT, EVENT_BODY, [("bob", good)]), ["bob", "alice"], 1),
        ("same-key-signs-twice-threshold-1", envelope(EVENT, EVENT_BODY, aa), ["alice", "bob"], 1),
        ("same-key-signs-twice-threshold-2", envelope(EVENT, EVENT_BODY, aa), ["alice", "bob"], 2),
        ("same-key-trusted-twice", envelope(EVENT, EVENT_BODY, ev), ["alice", "alice"], 2),
        ("two-of-three", envelope(EVENT, EVENT_BODY, ab), ["alice", "bob", "carol"], 2),
        ("three-of-three-short", envelope(EVENT, EVENT_BODY, ab), ["alice", "bob", "carol"], 3),
        ("signature-order-irrelevant", envelope(EVENT, EVENT_BODY, ab[::-1]), ["bob", "alice"], 2),
        ("garbage-signature-ignored",
         envelope(EVENT, EVENT_BODY, [("x", hashlib.sha512(b"garbage").digest()), ev[0]]),
         ["alice"], 1),
        ("upstream-ecdsa-example", UPSTREAM, ["alice", "bob"], 1),
        ("short-signature", envelope(EVENT, EVENT_BODY, [(None, good[:63])]), ["alice"], 1),
        ("long-signature", envelope(EVENT, EVENT_BODY, [(None, good + b"\0")]), ["alice"], 1),
        ("non-canonical-s", envelope(EVENT, EVENT_BODY, [(None, s_plus_l)]), ["alice"], 1),
        ("signed-other-type",
         envelope("application/vnd.dacc.other+json", EVENT_BODY, ev), ["alice"], 1),
        ("signed-other-payload", envelope(EVENT, EVENT_BODY[:-2] + b'4"}', ev), ["alice"], 1),
        ("signed-payload-without-pae",
         envelope(EVENT, EVENT_BODY, [(None, sign("alice", EVENT_BODY))]), ["alice"], 1),
        ("signed-pre-v1-pae-le64",
         envelope(EVENT, EVENT_BODY, [(None, sign("alice", legacy))]), ["alice"], 1),
        ("signed-pae-leading-zero",
         envelope(EVENT, EVENT_BODY,
                  [(None, sign("alice", pae(EVENT, EVENT_BODY).replace(b" 31 ", b" 031 ", 1)))]),
         ["alice"], 1),
        ("standard-padded", envelope(HELLO, URLISH, u), ["alice"], 1),
        ("standard-unpadded", envelope(HELLO, URLISH, u, pad=False), ["alice"], 1),
        ("url-safe-padded", envelope(HELLO, URLISH, u, url=True), ["alice"], 1),
        ("url-safe-unpadded", envelope(HELLO, URLISH, u, url=True, pad=False), ["alice"], 1),
        ("unknown-members-ignored",
         envelope(EVENT, EVENT_BODY, ev,
                  extra=lambda d: (d.update(extra={"a": [1]}), d["signatures"][0].update(
                      alg="ed25519"))), ["alice"], 1),
        ("keyid-null", envelope(EVENT, EVENT_BODY, ev,
                                extra=lambda d: d["signatures"][0].update(keyid=None)),
         ["alice"], 1),
        ("keyid-empty", envelope(EVENT, EVENT_BODY, [("", good)]), ["alice"], 1),
        ("empty-payload", envelope(EVENT, b"", signed(EVENT, b"", ["carol"])), ["carol"], 1),
        ("no-signatures", envelope(EVENT, EVENT_BODY, []), ["alice"], 1),
        ("whitespace-and-member-order",
         '{ "signatures" : [ { "sig" : "%s" , "keyid" : "alice" } ] ,\n\t"payloadType" : "%s" ,'
         ' "payload" : "%s" }\r\n' % (b64(good), EVENT, b64(EVENT_BODY)), ["alice"], 1),
        ("escaped-type",
         envelope("app/\u00e9\u2603\"\\\n\x01\x1f\x7f", b"x",
                  signed("app/\u00e9\u2603\"\\\n\x01\x1f\x7f", b"x", ["bob"], ["k\u00e9y\t"])),
         ["bob"], 1),
        ("json-escapes-in-input",
         '{"payload":"eA==","payloadType":"\\u0061pp\\/\\u00E9","signatures":[{"sig":"%s"}]}'
         % b64(sign("bob", pae("app/\u00e9", b"x"))), ["bob"], 1),
        ("sixty-four-signatures",
         envelope(EVENT, EVENT_BODY, [("k%d" % i, hashlib.sha512(b"%d" % i).digest())
                                      for i in range(63)] + [("alice", good)]), ["alice"], 1),
    ]
    out = []
    for name, text, names, threshold in cases:
        ptype, body, sigs = parse(text)
        valid = count_valid(ptype, body, sigs, names)
        out.append({"name": name, "envelope": text, "keys": names, "threshold": threshold,
                    "valid": valid, "ok": valid >= threshold, "canonical": write(ptype, body, sigs)})
    return out


def reject_cases():
    sig = b64(sign("alice", pae(EVENT, EVENT_BODY)))
    pl = b64(EVENT_BODY)

    def env(payload=json.dumps(pl), ptype=json.dumps(EVENT), sigs='[{"sig":"%s"}]' % sig):
        """Envelope text from raw JSON for each member."""
        return '{"payload":%s,"payloadType":%s,"signatures":%s}' % (payload, ptype, sigs)

    q = json.dumps

    cases = [
        ("not-json", '{"payload":', "parse", ""),
        ("trailing-data", env() + "x", "parse", ""),
        ("not-an-object", "[" + env() + "]", "invalid", ""),
        ("duplicate-member", env()[:-1] + ',"payload":"eA=="}', "parse", ""),
        ("missing-payload", '{"payloadType":"%s","signatures":[]}' % EVENT, "notfound", "payload"),
        ("payload-null", env(payload="null"), "invalid", "payload"),
        ("payload-number", env(payload="12"), "invalid", "payload"),
        ("missing-payloadType", '{"payload":"%s","signatures":[]}' % pl, "notfound",
         "payloadType"),
        ("payloadType-number", env(ptype="1"), "invalid", "payloadType"),
        ("payloadType-array", env(ptype='["a"]'), "invalid", "payloadType"),
        ("payloadType-escaped-nul", env(ptype='"a\\u0000b"'), "parse", ""),
        ("missing-signatures", '{"payload":"%s","payloadType":"%s"}' % (pl, EVENT), "notfound",
         "signatures"),
        ("signatures-object", env(sigs='{"sig":"%s"}' % sig), "invalid", "signatures"),
        ("signature-not-object", env(sigs='[{"sig":"%s"},"%s"]' % (sig, sig)), "invalid",
         "signatures[1]"),
        ("missing-sig", env(sigs='[{"keyid":"alice"}]'), "notfound", "signatures[0].sig"),
        ("sig-null", env(sigs='[{"sig":null}]'), "invalid", "signatures[0].sig"),
        ("sig-number", env(sigs='[{"sig":5}]'), "invalid", "signatures[0].sig"),
        ("keyid-number", env(sigs='[{"keyid":7,"sig":"%s"}]' % sig), "invalid",
         "signatures[0].keyid"),
        ("keyid-too-long", env(sigs='[{"keyid":"%s","sig":"%s"}]' % ("k" * 129, sig)), "limit",
         "signatures[0].keyid"),
        ("keyid-too-long-utf8",
         env(sigs='[{"keyid":"%s","sig":"%s"}]' % ("\u00e9" * 65, sig)), "limit",
         "signatures[0].keyid"),
        ("too-many-signatures", env(sigs="[" + ",".join(['{"sig":"%s"}' % sig] * 65) + "]"),
         "limit", "signatures"),
        ("payload-bad-character", env(payload=q(pl[:-4] + "!" + pl[-3:])), "parse", "payload"),
        ("payload-whitespace", env(payload=q(pl[:8] + " " + pl[8:])), "parse", "payload"),
        ("payload-newline", env(payload=q(pl[:8] + "\n" + pl[8:])), "parse", "payload"),
        ("payload-mixed-alphabets", env(payload=q(b64(URLISH)[:4] + "-_" + b64(URLISH)[6:])),
         "parse", "payload"),
        ("payload-short-padding", env(payload=q("aGVsbG8gd29ybA=")), "parse", "payload"),
        ("payload-extra-padding", env(payload=q("aGVsbG8===")), "parse", "payload"),
        ("payload-padding-inside", env(payload=q("aGVs=bG8")), "parse", "payload"),
        ("payload-spare-bits", env(payload=q("aGVsbG9=")), "parse", "payload"),
        ("payload-spare-bits-unpadded", env(payload=q("aGVsbG9")), "parse", "payload"),
        ("payload-one-char-group", env(payload=q("aGVsb")), "parse", "payload"),
        ("payload-only-padding", env(payload=q("==")), "parse", "payload"),
        ("sig-bad-base64", env(sigs='[{"sig":"%s"},{"sig":"%s*"}]' % (sig, sig[:-3])), "parse",
         "signatures[1].sig"),
        ("sig-too-long", env(sigs='[{"sig":"%s"}]' % b64(bytes(SIG_MAX + 1))), "limit",
         "signatures[0].sig"),
    ]
    out = []
    for name, text, status, field in cases:
        try:
            parse(text)
        except Refused as r:
            assert (r.status, r.field) == (status, field), (name, r.status, r.field)
            out.append({"name": name, "envelope": text, "status": status, "field": field})
            continue
        raise AssertionError(name + " parsed")
    return out


def sign_cases():
    odd = "app/\u00e9\u2603\"\\\n\x01\x1f\x7f"
    cases = [
        ("hello-world", HELLO, b"hello world", [("alice", None)]),
        ("event-with-keyid", EVENT, EVENT_BODY, [("alice", "alice")]),
        ("empty-payload", EVENT, b"", [("bob", "bob")]),
        ("every-byte-value", "application/octet-stream", bytes(range(256)), [("carol", None)]),
        ("escaped-type-and-keyid", odd, b"x", [("bob", "k\u00e9y\t\"")]),
        ("empty-keyid-left-out", EVENT, EVENT_BODY, [("alice", "")]),
        ("three-signatures", EVENT, EVENT_BODY,
         [("alice", "bob"), ("bob", None), ("alice", "alice")]),
        ("unsigned", EVENT, EVENT_BODY, []),
    ]
    out = []
    for name, ptype, body, signers in cases:
        sigs = [(k or "", sign(n, pae(ptype, body))) for n, k in signers]
        out.append({"name": name, "payloadType": ptype, "payload": b64(body),
                    "signers": [{"key": n, "keyid": k} for n, k in signers],
                    "envelope": write(ptype, body, sigs)})
    return out


def pae_cases():
    cases = [(HELLO, b"hello world"), (EVENT, EVENT_BODY), ("", b""), ("t", bytes(range(256))),
             ("app/\u00e9", b"x" * 1000)]
    return [{"payloadType": t, "body": b64(b), "pae": b64(pae(t, b))} for t, b in cases]


def main():
    names = ["alice", "bob", "carol"]
    doc = {
        "about": "DSSE v1.0.2 Ed25519 vectors from tests/round/dsse/make_vectors.py "
                 "(python3-cryptography " + __import__("cryptography").__version__ + ")",
        "keys": [{"name": n, "seed": key(n)[0].hex(), "public": public(n).hex()} for n in names],
        "pae": pae_cases(),
        "sign": sign_cases(),
        "verify": verify_cases(),
        "reject": reject_cases(),
    }
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
