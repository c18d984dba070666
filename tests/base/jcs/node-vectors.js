// Writes vectors for dacc's canonical JSON from an independent
// implementation: node itself. Node's JSON.parse reads the input, and its
// JSON.stringify writes strings and numbers exactly as RFC 8785 asks (the
// RFC defines both by ECMAScript), so sorting member names with JavaScript's
// default sort, which compares UTF-16 code units, gives the canonical form.
//
//   node node-vectors.js        (in this directory; the output is fixed by SEED)
//
// random-input.txt   one JSON text a line, spelt as non-canonically as JSON
//                    allows without line breaks: spaces and tabs between
//                    tokens, members in random order, escapes where none
//                    are needed (\u0041, \/, upper- and lowercase hex,
//                    surrogate pairs), numbers as 1.50E+01, 0.0015e4, -0.0,
//                    long integers, ...;
// random-output.txt  its canonical form, line for line;
// random-strict.txt  what dacc_jcs_parse_strict says of that canonical form:
//                    "ok", or "float" and the JSON Pointer (as a JSON
//                    string) of the first number in text order that is not
//                    an integer within 2^53-1;
// pow2-numbers.txt   `hex-ieee,expected` for every normal power of two: the
//                    doubles whose lower neighbour is closer than the upper
//                    one, where a shortest-digits search must look on both
//                    sides.
'use strict';
const fs = require('fs');

const SEED = 0x8785;
const CASES = 400;

// mulberry32: a small, fixed generator, so that the files can be rebuilt.
let state = SEED >>> 0;
function rand() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[below(xs.length)];

// ---- values ------------------------------------------------------------

// Code points from the ranges that matter to escaping and sorting; never
// U+0000 (dacc refuses NUL) nor a surrogate (not a character).
function codePoint() {
    switch (below(9)) {
    case 0:
        return 1 + below(0x1f); // controls
    case 1:
        return pick([0x22, 0x5c, 0x2f, 0x7e, 0x7f, 0x20]); // " \ / ~ DEL space
    case 2:
    case 3:
        return 0x21 + below(0x5e); // printable ASCII
    case 4:
        return 0x80 + below(0x780); // two-byte UTF-8
    case 5:
        return pick([0x800 + below(0xd000), 0x2028, 0x2029, 0x20ac, 0xfb33]);
    case 6:
        return pick([0xe000 + below(0x2000), 0xfdd0, 0xfeff, 0xfffe, 0xffff]); // above surrogates
    case 7:
        return pick([0x1f600, 0x10000, 0x10ffff, 0x1d11e]); // astral
    default:
        return 0x10000 + below(0x100000);
    }
}

function randomString(maxLen) {
    let s = '';
    for (let n = below(maxLen + 1); n > 0; n--)
        s += String.fromCodePoint(codePoint());
    return s;
}

// A number and a spelling of it; the canonical form comes from what
// JSON.parse makes of the spelling.
function randomNumberText() {
    const v = new DataView(new ArrayBuffer(8));
    switch (below(8)) {
    case 0: {
        v.setUint32(0, below(2 ** 32));
        v.setUint32(4, below(2 ** 32));
        const d = v.getFloat64(0);
        return Number.isFinite(d) ? spell(d) : '0';
    }
    case 1:
        return spell(below(2000) - 1000);
    case 2:
        return spell((below(2) ? -1 : 1) * (2 ** 53 - 3 + below(6)));
    case 3: {
        let s = String(1 + below(9));
        for (let n = below(30); n > 0; n--)
            s += String(below(10));
        return (below(2) ? '-' : '') + s; // an integer of up to 31 digits
    }
    case 4:
        return pick(['-0', '-0.0', '0e5', '-0E-3', '0.000', '1e-400', '1E4', '100e-2']);
    case 5:
        return spell((below(2000000) - 1000000) / pick([10, 100, 1000, 1e6]));
    case 6:
        return spell(rand() * 10 ** (below(60) - 30));
    default:
        return spell(below(1000) * 10 ** (below(44) - 22));
    }
}

function spell(d) {
    let s;
    switch (below(6)) {
    case 0:
        s = String(d);
        break;
    case 1:
        s = d.toExponential();
        break;
    case 2:
        s = d.toPrecision(1 + below(21));
        break;
    case 3:
        s = d.toPrecision(17);
        break;
    case 4:
        s = Math.abs(d) < 1e21 ? d.toFixed(below(8)) : String(d);
        break;
    default:
        s = String(d) + (String(d).includes('e') ? '' : pick(['', '.0', '.000', 'e0', 'E+00']));
    }
    if (!Number.isFinite(Number(s)))
        s = String(d);
    s = s.replace(/e/, pick(['e', 'E'])).replace(/([eE])\+/, pick(['$1+', '$1']));
    if (/^-?\d+\.\d+$/.test(s) && below(3) == 0)
        s += '0'.repeat(1 + below(3)); // trailing zeros
    return s;
}

function ws() {
    return pick(['', '', '', ' ', '\t', '  ', ' \t ']);
}

// A value as text: [text, value-as-parsed is left to JSON.parse].
function randomText(depth) {
    // Documents are mostly objects, as events are; deeper down, anything.
    const kind = depth >= 4 ? 2 + below(4) : depth == 0 ? pick([0, 0, 0, 0, 0, 0, 0, 1, 1, 2]) : below(6);
    switch (kind) {
    case 0: {
        const names = new Set();
        for (let n = below(6); n > 0; n--)
            names.add(randomString(4));
        const members = [...names].map((k) => ws() + quote(k) + ws() + ':' + ws() +
                                                  randomText(depth + 1) + ws());
        return '{' + (members.length ? members.join(',') : ws()) + '}';
    }
    case 1: {
        const elems = [];
        for (let n = below(6); n > 0; n--)
            elems.push(ws() + randomText(depth + 1) + ws());
        return '[' + (elems.length ? elems.join(',') : ws()) + ']';
    }
    case 2:
    case 3:
        return quote(randomString(10));
    case 4:
        return randomNumberText();
    default:
        return pick(['true', 'false', 'null']);
    }
}

function hex4(u) {
    const h = u.toString(16).padStart(4, '0');
    return '\\u' + (below(2) ? h : h.toUpperCase());
}

// A string literal escaped at random wherever JSON allows.
function quote(s) {
    const short = { 0x22: '\\"', 0x5c: '\\\\', 0x2f: '\\/', 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f',
                    13: '\\r' };
    let out = '"';
    for (const ch of s) {
        const c = ch.codePointAt(0);
        const mustEscape = c < 0x20 || c == 0x22 || c == 0x5c;
        const r = below(4);
        if (c in short && (mustEscape || r == 0) && r != 1)
            out += short[c];
        else if (mustEscape || r == 1)
            out += c > 0xffff ? hex4(0xd800 + ((c - 0x10000) >> 10)) + hex4(0xdc00 + (c & 0x3ff))
                              : hex4(c);
        else
            out += ch;
    }
    return out + '"';
}

// ---- the canonical form, by node ------------------------------------------

function canonical(v) {
    if (Array.isArray(v))
        return '[' + v.map(canonical).join(',') + ']';
    if (v !== null && typeof v === 'object')
        return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k]))
                                 .join(',') + '}';
    return JSON.stringify(v);
}

function finite(v) {
    if (typeof v === 'number')
        return Number.isFinite(v);
    if (v !== null && typeof v === 'object')
        return Object.values(v).every(finite);
    return true;
}

// The pointer of the first number, in canonical order, that is not a safe
// integer, or null.
function firstFloat(v, at) {
    if (typeof v === 'number')
        return Number.isSafeInteger(v) ? null : at;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const p = firstFloat(v[i], at + '/' + i);
            if (p !== null)
                return p;
        }
    } else if (v !== null && typeof v === 'object') {
        for (const k of Object.keys(v).sort()) {
            const p = firstFloat(v[k], at + '/' + k.replace(/~/g, '~0').replace(/\//g, '~1'));
            if (p !== null)
                return p;
        }
    }
    return null;
}

const inputs = [], outputs = [], strict = [];
for (let i = 0; i < CASES; i++) {
    const text = ws() + randomText(0) + ws();
    const value = JSON.parse(text);
    const canon = canonical(value);
    if (!finite(value))
        throw new Error('a number overflowed: ' + text); // dacc refuses what reads as Infinity
    inputs.push(text);
    outputs.push(canon);
    const p = firstFloat(value, '');
    strict.push(p === null ? 'ok' : 'float ' + JSON.stringify(p));
}
fs.writeFileSync('random-input.txt', inputs.join('\n') + '\n');
fs.writeFileSync('random-output.txt', outputs.join('\n') + '\n');
fs.writeFileSync('random-strict.txt', strict.join('\n') + '\n');

const v = new DataView(new ArrayBuffer(8));
let pow2 = '';
for (let e = 1n; e < 2047n; e++) {
    v.setBigUint64(0, e << 52n);
    pow2 += (e << 52n).toString(16) + ',' + v.getFloat64(0).toString() + '\n';
}
fs.writeFileSync('pow2-numbers.txt', pow2);
