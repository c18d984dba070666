// The log's checks, in the browser: C2SP signed notes and checkpoints
// (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature), inclusion
// proofs (RFC 9162 2.1.3.2) in the c2sp.org/tlog-proof@v1 form, and tree
// hashes computed from the node's tiles (c2sp.org/tlog-tiles), which is
// how a checkpoint is shown consistent with one seen before. Hashing is
// RFC 6962's: leaf SHA-256(0x00 || entry), node SHA-256(0x01 || l || r).

import { concat, sha256, unb64, utf8, hex } from './event.js';

const ALG_ED25519 = 0x01;
const ALG_COSIGN = 0x04;

export async function nodeHash(l, r) {
  return sha256(concat(new Uint8Array([1]), l, r));
}

function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---- signed notes ----

// {text, sigs: [{name, id (4 bytes), sig (bytes after the id), line}]}
export function parseNote(msg) {
  const at = msg.lastIndexOf('\n\n');
  if (at < 0) throw new Error('not a signed note: no blank line before the signatures');
  const text = msg.slice(0, at + 1);
  const lines = msg.slice(at + 2).split('\n');
  if (lines.pop() !== '') throw new Error('a signed note ends in a newline');
  const sigs = lines.map((line) => {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error('not a signature line: ' + line);
    const raw = unb64(m[2]);
    if (raw.length < 5) throw new Error('a signature is too short: ' + line);
    return { name: m[1], id: raw.subarray(0, 4), sig: raw.subarray(4), line };
  });
  return { text, sigs };
}

// A verifier key "NAME+HEX8+base64(type || key)", its key hash checked.
export async function parseVkey(vkey) {
  // the name holds no '+', the base64 may
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error('a log key reads NAME+8 hex digits+base64');
  const parts = [m[1], m[2], m[3]];
  const raw = unb64(parts[2]);
  if (raw.length !== 33 || (raw[0] !== ALG_ED25519 && raw[0] !== ALG_COSIGN))
    throw new Error('not an Ed25519 key');
  const id = (await sha256(concat(utf8(parts[0]), new Uint8Array([0x0a]), raw))).subarray(0, 4);
  if (hex(id) !== parts[1]) throw new Error('the key hash does not match the key');
  const key = await crypto.subtle.importKey('raw', raw.subarray(1), 'Ed25519', false, ['verify']);
  return { name: parts[0], id, alg: raw[0], key };
}

// Whether the note carries a valid signature by k (a parsed vkey). For a
// cosignature key the signed message is "cosignature/v1\ntime T\n" then the
// text, and the time is returned too.
export async function verifyNote(note, k) {
  for (const s of note.sigs) {
    if (s.name !== k.name || !same(s.id, k.id)) continue;
    if (k.alg === ALG_ED25519 && s.sig.length === 64 &&
        await crypto.subtle.verify('Ed25519', k.key, s.sig, utf8(note.text)))
      return { ok: true };
    if (k.alg === ALG_COSIGN && s.sig.length === 72) {
      const t = new DataView(s.sig.buffer, s.sig.byteOffset, 8).getBigUint64(0);
      const msg = utf8(`cosignature/v1\ntime ${t}\n${note.text}`);
      if (await crypto.subtle.verify('Ed25519', k.key, s.sig.subarray(8), msg))
        return { ok: true, time: Number(t) };
    }
    return { ok: false, why: 'a signature by this key does not verify' };
  }
  return { ok: false, why: 'no signature by this key' };
}

export function parseCheckpoint(text) {
  const lines = text.split('\n');
  if (lines.length < 4 || !/^[0-9]+$/.test(lines[1]))
    throw new Error('not a checkpoint: origin, size, root hash');
  const root = unb64(lines[2]);
  if (root.length !== 32) throw new Error('a checkpoint root is 32 bytes');
  return { origin: lines[0], size: BigInt(lines[1]), root, rootB64: lines[2] };
}

// ---- inclusion proofs ----

// c2sp.org/tlog-proof@v1: {index, hashes, checkpoint (the note text)}.
export function parseProof(text) {
  const lines = text.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a c2sp.org/tlog-proof@v1');
  let i = 1;
  if (lines[i] && lines[i].startsWith('extra ')) i++;
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i++] || '');
  if (!m) throw new Error('the proof has no "index N" line');
  const hashes = [];
  for (; i < lines.length && lines[i] !== ''; i++) {
    const h = unb64(lines[i]);
    if (h.length !== 32) throw new Error('a proof hash is 32 bytes');
    hashes.push(h);
  }
  if (i >= lines.length) throw new Error('the proof has no checkpoint');
  return { index: BigInt(m[1]), hashes, checkpoint: lines.slice(i + 1).join('\n') };
}

// RFC 9162 2.1.3.2: the root that leaf at index leads to through proof,
// or null when the proof's length does not fit the tree.
export async function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) return null;
  let fn = index, sn = size - 1n, r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

export { same };

// ---- tiles ----

// "x001/x234/067" for 1234067 (c2sp.org/tlog-tiles).
export function tileIndex(n) {
  let s = n.toString().padStart(3, '0');
  while (s.length % 3) s = '0' + s;
  const groups = s.match(/.{3}/g);
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
}

// Reads the hashes of tiles of a tree of a given size from base (the
// node's URL), each tile once.
export function tileReader(base, size) {
  const cache = new Map();
  async function tile(level, n) {
    const have = size >> (8n * BigInt(level));
    const full = n < have / 256n;
    const width = full ? 256n : have % 256n;
    const path = `/tile/${level}/${tileIndex(n)}` + (full ? '' : `.p/${width}`);
    if (!cache.has(path)) {
      cache.set(path, fetch(base + path).then(async (r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
        const b = new Uint8Array(await r.arrayBuffer());
        if (BigInt(b.length) !== width * 32n) throw new Error(`${path}: ${b.length} bytes`);
        return b;
      }));
    }
    return cache.get(path);
  }
  // The hash of the complete subtree of height h at index i.
  async function subtree(h, i) {
    const level = Math.floor(h / 8), k = h % 8;
    const first = i << BigInt(k), n = first / 256n;
    const b = await tile(level, n);
    let row = [];
    for (let j = 0n; j < 1n << BigInt(k); j++) {
      const at = Number((first + j) % 256n) * 32;
      row.push(b.subarray(at, at + 32));
    }
    while (row.length > 1) {
      const up = [];
      for (let j = 0; j < row.length; j += 2) up.push(await nodeHash(row[j], row[j + 1]));
      row = up;
    }
    return row[0];
  }
  // RFC 6962's root of the first m leaves, from the tree of size.
  async function root(m) {
    if (m === 0n) return sha256(new Uint8Array(0));
    const parts = [];
    let start = 0n;
    for (let h = 63; h >= 0; h--) {
      if ((m >> BigInt(h)) & 1n) {
        parts.push(await subtree(h, start >> BigInt(h)));
        start += 1n << BigInt(h);
      }
    }
    let r = parts.pop();
    while (parts.length) r = await nodeHash(parts.pop(), r);
    return r;
  }
  // Entry index of the tree, from its entry bundle.
  async function entry(index) {
    const n = index / 256n, full = n < size / 256n, width = full ? 256n : size % 256n;
    const path = `/tile/entries/${tileIndex(n)}` + (full ? '' : `.p/${width}`);
    const r = await fetch(base + path);
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    const b = new Uint8Array(await r.arrayBuffer());
    let at = 0;
    for (let j = 0n; at + 2 <= b.length; j++) {
      const len = (b[at] << 8) | b[at + 1];
      if (j === index % 256n) return b.subarray(at + 2, at + 2 + len);
      at += 2 + len;
    }
    throw new Error(`entry ${index} is not in ${path}`);
  }
  return { root, entry };
}
