// Signed events, as docs/round.md defines them, made in the browser (and in
// the browser tests' Node, which runs this same module): the canonical
// payload (RFC 8785), DSSE's pre-authentication encoding, an Ed25519
// signature by WebCrypto, and the envelope in the exact form the log keeps
// (dacc_dsse_write), so that the bytes posted are the bytes logged and the
// receipt's leaf hash can be checked against them here.

export const EVENT_TYPE = 'application/vnd.dacc.event+json';

const enc = new TextEncoder();

export function utf8(s) {
  return enc.encode(s);
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function unhex(s) {
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error('not hex: ' + s.slice(0, 16));
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

// Standard base64 with padding (RFC 4648 section 4), the written form.
export function b64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function unb64(s) {
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// RFC 8785 for the values events hold: strings, integers, booleans, null,
// arrays and objects. Members sorted by their names' UTF-16 code units
// (what Array.prototype.sort compares), strings as JSON.stringify writes
// them (the RFC's rule), integers without exponent. A fraction is refused:
// events carry money and ratios as decimal strings.
export function canonical(v) {
  if (v === null || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('an event holds integers only, not ' + v);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  throw new Error('not JSON: ' + typeof v);
}

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
export function pae(type, body) {
  const t = utf8(type);
  return concat(utf8(`DSSEv1 ${t.length} `), t, utf8(` ${body.length} `), body);
}

// ---- keys ----

// PKCS #8 wrapping of an Ed25519 seed (RFC 8410): WebCrypto imports a
// private key only in this form or as a JWK.
const PKCS8_ED25519 = unhex('302e020100300506032b657004220420');

export async function keyFromSeed(seed) {
  if (seed.length !== 32) throw new Error('an Ed25519 secret key is 32 bytes (64 hex digits)');
  const priv = await crypto.subtle.importKey('pkcs8', concat(PKCS8_ED25519, seed), 'Ed25519',
                                             true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', priv);
  return { seed, priv, pub: unb64(jwk.x) };
}

export async function newSeed() {
  const k = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', k.privateKey);
  return unb64(jwk.d);
}

// ---- events ----

// The envelope text of one event, signed by key ({priv, pub}): fields as
// docs/round.md lists them; round omitted for a config.
export async function signEvent(key, { round, seq, type, body }) {
  const ev = { body, seq, signer: hex(key.pub), type };
  if (round) ev.round = round;
  const payload = utf8(canonical(ev));
  const sig = new Uint8Array(await crypto.subtle.sign('Ed25519', key.priv,
                                                      pae(EVENT_TYPE, payload)));
  // dacc_dsse_write's member order, no keyid, no whitespace
  return `{"payload":"${b64(payload)}","payloadType":"${EVENT_TYPE}",` +
         `"signatures":[{"sig":"${b64(sig)}"}]}`;
}

// The leaf hash a log gives an entry (RFC 6962: SHA-256(0x00 || entry)).
export async function leafHash(entry) {
  return sha256(concat(new Uint8Array([0]), typeof entry === 'string' ? utf8(entry) : entry));
}
