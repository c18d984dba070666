// Development only: a second, independent implementation of the dacc anon
// ring signature (docs/anon.md, "Ring signature"), on @noble/curves, whose
// output is tests/anon/ring-noble.txt. The C tests check libdacc against
// that file byte for byte; this script is not needed to build or test.
//
//     npm ci && npm run vectors
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const Point = ristretto255.Point;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a) => ((a % L) + L) % L;

const be = (v, n) => {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--, v >>= 8) out[i] = v & 0xff;
  return out;
};
const scalarBytes = (s) => {
  const out = new Uint8Array(32);
  for (let i = 0, v = s; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};
const h2s = (msg, dst) => ristretto255_hasher.hashToScalar(msg, { DST: dst });
const h2g = (msg, dst) => ristretto255_hasher.hashToCurve(msg, { DST: dst });
const enc = (P) => P.toBytes();

const ringHash = (keys) =>
  sha512(concatBytes(utf8ToBytes('dacc-anon-v1-ring'), be(keys.length, 4), ...keys.map(enc)));

function transcript(keys, scope, msg) {
  return {
    rh: ringHash(keys),
    scopeFramed: concatBytes(be(scope.length, 2), scope),
    hs: h2g(scope, 'dacc-anon-v1-scope'),
    mh: sha512(concatBytes(utf8ToBytes('dacc-anon-v1-message'), msg)),
  };
}

const challenge = (t, T, Lp, Rp) =>
  h2s(concatBytes(t.rh, t.scopeFramed, enc(T), t.mh, enc(Lp), enc(Rp)), 'dacc-anon-v1-challenge');

const nonce = (t, x, seed, j) =>
  h2s(concatBytes(scalarBytes(x), seed, t.rh, t.scopeFramed, t.mh, be(j, 4)), 'dacc-anon-v1-nonce');

function sign(keys, x, scope, msg, seed) {
  const n = keys.length;
  const me = Point.BASE.multiply(x);
  const pi = keys.findIndex((P) => P.equals(me));
  if (pi < 0) throw new Error('not a member');
  const t = transcript(keys, scope, msg);
  const T = t.hs.multiply(x);
  const c = new Array(n), r = new Array(n);
  const alpha = nonce(t, x, seed, pi);
  c[(pi + 1) % n] = challenge(t, T, Point.BASE.multiply(alpha), t.hs.multiply(alpha));
  for (let k = 1; k < n; k++) {
    const i = (pi + k) % n;
    r[i] = nonce(t, x, seed, i);
    const Li = Point.BASE.multiply(r[i]).add(keys[i].multiply(c[i]));
    const Ri = t.hs.multiply(r[i]).add(T.multiply(c[i]));
    c[(i + 1) % n] = challenge(t, T, Li, Ri);
  }
  r[pi] = mod(alpha - c[pi] * x);
  const sig = concatBytes(enc(T), scalarBytes(c[0]), ...r.map(scalarBytes));
  return { t, T, c, sig };
}

function verify(keys, scope, msg, sig) {
  try {
    return verifyOrThrow(keys, scope, msg, sig);
  } catch {
    return false; // an undecodable tag or an unreduced scalar
  }
}

function verifyOrThrow(keys, scope, msg, sig) {
  const n = keys.length;
  if (sig.length !== 64 + 32 * n) return false;
  const T = Point.fromBytes(sig.subarray(0, 32));
  const rd = (i) => {
    const v = BigInt('0x' + bytesToHex(sig.slice(32 + 32 * i, 64 + 32 * i).reverse()));
    if (v >= L) throw new Error('unreduced scalar');
    return v;
  };
  const t = transcript(keys, scope, msg);
  const c0 = rd(0);
  let c = c0;
  for (let i = 0; i < n; i++) {
    const r = rd(i + 1);
    const Li = Point.BASE.multiply(r).add(keys[i].multiply(c));
    const Ri = t.hs.multiply(r).add(T.multiply(c));
    c = challenge(t, T, Li, Ri);
  }
  return c === c0;
}

// Member keys of the vectors: sk_i = H_s(I2OSP(i, 4)) under a test-only tag.
const memberKey = (i) => h2s(be(i, 4), 'dacc-anon-v1-test-key');
const keysOf = (ids) => ids.map((i) => Point.BASE.multiply(memberKey(i)));
const text = (s) => utf8ToBytes(s);
const seedOf = (s) => sha512(text(s)).subarray(0, 32);

const cases = [
  { ids: [0], signer: 0, scope: 'round-1|q-1', msg: 'answer: 0.7', seed: 'seed-a' },
  { ids: [0, 1], signer: 1, scope: 'round-1|q-1', msg: 'answer: 0.3', seed: 'seed-b' },
  { ids: [0, 1, 2], signer: 0, scope: 'round-1|q-2', msg: '', seed: 'seed-c' },
  { ids: [3, 4, 5, 6, 7], signer: 2, scope: 'round-1', msg: 'donate 100', seed: 'seed-d' },
  { ids: [3, 4, 5, 6, 7], signer: 4, scope: 'round-1', msg: 'donate 200', seed: 'seed-e' },
  // The same member (5) in a second scope: a different tag.
  { ids: [3, 4, 5, 6, 7], signer: 2, scope: 'round-2', msg: 'donate 100', seed: 'seed-d' },
  // The same member (5) in another ring, in scope round-1: the same tag as case 3.
  { ids: [9, 5, 8], signer: 1, scope: 'round-1', msg: 'donate 300', seed: 'seed-f' },
  {
    ids: Array.from({ length: 16 }, (_, i) => 10 + i), signer: 11, scope: 'epoch-2026-12',
    msg: 'rating: helpful', seed: 'seed-g',
  },
];

console.log('# source: scripts/dev/anon-vectors/ring.mjs (this repository) on @noble/curves 2.0.1');
console.log('# an independent implementation of the ring signature of docs/anon.md; hex except n, signer');
for (const k of cases) {
  const keys = keysOf(k.ids);
  const x = memberKey(k.ids[k.signer]);
  const scope = text(k.scope), msg = text(k.msg), seed = seedOf(k.seed);
  const { t, T, c, sig } = sign(keys, x, scope, msg, seed);
  if (!verify(keys, scope, msg, sig)) throw new Error('does not verify');
  const flipped = sig.slice();
  flipped[40] ^= 1;
  if (verify(keys, scope, msg, flipped)) throw new Error('flipped bit verifies');
  console.log('');
  console.log(`n = ${keys.length}`);
  console.log(`signer = ${k.signer}`);
  console.log(`sk = ${bytesToHex(scalarBytes(x))}`);
  console.log(`ring = ${keys.map((P) => bytesToHex(enc(P))).join(',')}`);
  console.log(`scope = ${bytesToHex(scope)}`);
  console.log(`msg = ${bytesToHex(msg)}`);
  console.log(`seed = ${bytesToHex(seed)}`);
  console.log(`ring_hash = ${bytesToHex(t.rh)}`);
  console.log(`scope_point = ${bytesToHex(enc(t.hs))}`);
  console.log(`tag = ${bytesToHex(enc(T))}`);
  console.log(`challenges = ${c.map((v) => bytesToHex(scalarBytes(v))).join(',')}`);
  console.log(`sig = ${bytesToHex(sig)}`);
}
