// What every page's script shares: building elements, the participant's
// key (kept in this browser's localStorage, never sent), posting a signed
// event, and showing its receipt with the command that checks it offline.

import { hex, unhex, keyFromSeed, newSeed, signEvent, leafHash } from './event.js';
import { parseProof, parseNote, parseCheckpoint, rootFromInclusion, same } from './tlog.js';

const KEY = 'dacc.key.v1';
const RECEIPTS = 'dacc.receipts.v1';

// el('p', {class: 'x'}, 'text', child...): text children are text nodes,
// never markup.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false)
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

export async function getJSON(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const doc = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(doc.detail || doc.title || `${url}: ${r.status}`);
  return doc;
}

// ---- the key ----

export async function loadKey() {
  const s = localStorage.getItem(KEY);
  return s ? keyFromSeed(unhex(s)) : null;
}

export async function saveSeed(seed) {
  const k = await keyFromSeed(seed); // refuses a malformed key before it is kept
  localStorage.setItem(KEY, hex(seed));
  return k;
}

export async function makeKey() {
  return saveSeed(await newSeed());
}

export function forgetKey() {
  localStorage.removeItem(KEY);
}

// The key panel: the public key, or ways to get one. onKey(key) runs
// whenever the key changes.
export function keyPanel(host, onKey) {
  async function draw() {
    const key = await loadKey();
    host.replaceChildren();
    if (key) {
      host.append(el('p', { class: 'key' }, 'Signing as ', el('code', { id: 'my-key', class: 'id' },
                     hex(key.pub)), ' (your key is kept in this browser; ',
                     el('a', { href: '/key' }, 'manage it'), ').'));
    } else {
      const input = el('input', { id: 'import-seed', name: 'seed', autocomplete: 'off',
                                  spellcheck: 'false', pattern: '[0-9a-fA-F]{64}',
                                  required: true, 'aria-describedby': 'import-help' });
      const status = el('p', { role: 'status', class: 'status' });
      host.append(
        el('p', {}, 'You have no key in this browser yet. Make one, or import the secret key ' +
                    'you keep elsewhere.'),
        el('button', { type: 'button', id: 'make-key', onclick: async () => {
          await makeKey();
          await draw();
        } }, 'Make a new key'),
        el('form', { class: 'import', onsubmit: async (e) => {
          e.preventDefault();
          try {
            await saveSeed(unhex(input.value.trim()));
            await draw();
          } catch (err) {
            status.textContent = 'Not imported: ' + err.message;
          }
        } },
        el('label', { for: 'import-seed' }, 'Secret key (64 hex digits)'), input,
        el('p', { id: 'import-help', class: 'help' }, 'It stays in this browser.'),
        el('button', { type: 'submit' }, 'Import the key'), status));
    }
    onKey && onKey(key);
  }
  return draw();
}

// ---- events and receipts ----

// Signs and posts one event of round as the key's next; the receipt and
// the envelope, or an Error carrying the node's refusal.
export async function postEvent(key, round, type, body) {
  const me = await getJSON(`/api/v1/rounds/${round}/participant?key=${hex(key.pub)}`);
  const envelope = await signEvent(key, { round, seq: me.seq + 1, type, body });
  const r = await fetch(`/api/v1/rounds/${round}/events`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: envelope });
  const doc = await r.json().catch(() => ({}));
  if (r.status !== 201) throw new Error(doc.detail || doc.title || `the node answered ${r.status}`);
  const receipt = { ...doc, entry: envelope };
  const kept = JSON.parse(localStorage.getItem(RECEIPTS) || '[]');
  kept.push(receipt);
  localStorage.setItem(RECEIPTS, JSON.stringify(kept.slice(-20)));
  return receipt;
}

export function lastReceipt() {
  const kept = JSON.parse(localStorage.getItem(RECEIPTS) || '[]');
  return kept.length ? kept[kept.length - 1] : null;
}

// What can be checked without the log's key: the leaf is this envelope's,
// and the proof leads from it to the checkpoint's root.
async function selfCheck(receipt) {
  const leaf = await leafHash(receipt.entry);
  if (hex(leaf) !== receipt.leaf_hash) return 'the leaf hash is not this envelope\'s';
  const p = parseProof(receipt.proof);
  const cp = parseCheckpoint(parseNote(p.checkpoint).text);
  const root = await rootFromInclusion(p.index, cp.size, leaf, p.hashes);
  return root && same(root, cp.root) ? null : 'the inclusion proof does not lead to the root';
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  return el('a', { href: url, download: name, class: 'download' }, name);
}

export async function showReceipt(host, receipt, what) {
  const bad = await selfCheck(receipt);
  const cmd = 'dacc log verify --key log.pub --inclusion proof.txt --entry event.env';
  const code = el('code', { class: 'verify-cmd' }, cmd);
  const copied = el('span', { role: 'status', class: 'status' });
  const box = el('section', { class: 'receipt', 'aria-label': 'Receipt for entry ' + receipt.index },
    el('h3', {}, `Receipt: ${what} is entry ${receipt.index} of the log`),
    el('p', { class: bad ? 'bad' : 'good' }, bad
      ? 'This receipt does not check out: ' + bad + '.'
      : `Checked in this browser: the entry is your signed envelope, and its inclusion proof ` +
        `leads to the root of the log's checkpoint at size ${receipt.tree_size}.`),
    el('p', {}, 'Keep these files, and check them offline with the log\'s public key ' +
                '(log.pub, from its operator):'),
    el('p', { class: 'downloads' }, download('proof.txt', receipt.proof), ' ',
       download('event.env', receipt.entry), ' ',
       download('receipt.json', JSON.stringify(receipt, null, 2))),
    el('pre', { class: 'cmd' }, code),
    el('p', {}, el('button', { type: 'button', onclick: async () => {
      try {
        await navigator.clipboard.writeText(cmd);
        copied.textContent = 'Copied.';
      } catch {
        getSelection().selectAllChildren(code);
        copied.textContent = 'Selected: copy it with Ctrl+C.';
      }
    } }, 'Copy the command'), ' ', copied),
    el('p', {}, el('a', { href: '/audit' }, 'Verify it on the auditor page'),
       ' (the page picks up your latest receipt).'),
    el('details', {}, el('summary', {}, 'The receipt, as JSON'),
       el('pre', { class: 'wrap receipt-json' }, JSON.stringify(receipt, null, 2))));
  host.prepend(box);
  return box;
}

// Replaces #results with the same section of the page as the node renders
// it now: one renderer (the node's), whether or not scripts run.
export async function refreshResults() {
  const r = await fetch(location.pathname + location.search, { headers: { Accept: 'text/html' } });
  const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
  const fresh = doc.getElementById('results'), old = document.getElementById('results');
  if (fresh && old) old.replaceWith(fresh);
  for (const id of ['phase'])
    if (doc.getElementById(id) && document.getElementById(id))
      document.getElementById(id).textContent = doc.getElementById(id).textContent;
}

// Base units from an amount with at most decimals digits after the point.
export function toUnits(amount, decimals) {
  const m = /^([0-9]+)(?:\.([0-9]*))?$/.exec(amount.trim());
  if (!m || (m[2] || '').length > decimals)
    throw new Error(`an amount is a number with at most ${decimals} decimals`);
  const units = BigInt(m[1] + (m[2] || '').padEnd(decimals, '0'));
  if (units <= 0n) throw new Error('an amount is more than 0');
  return units.toString();
}

export function fromUnits(units, decimals) {
  const s = String(units).padStart(decimals + 1, '0');
  return decimals ? s.slice(0, s.length - decimals) + '.' + s.slice(s.length - decimals) : s;
}
