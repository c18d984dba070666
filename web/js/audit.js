// The auditor's page: the latest checkpoint checked here with the log's
// key, its consistency with the last one this browser saw (kept in
// localStorage, shown consistent by tree hashes computed from the node's
// tiles), and a receipt's inclusion proof and checkpoint verified in the
// browser with WebCrypto.

import { hex, leafHash, utf8 } from './event.js';
import { parseNote, parseVkey, verifyNote, parseCheckpoint, parseProof, rootFromInclusion,
         tileReader, same } from './tlog.js';
import { el, lastReceipt } from './ui.js';

const LOGKEY = 'dacc.logkey.v1';
const SEEN = 'dacc.seen.v1.';

const WITNESSES = 'dacc.witnesses.v1';

const keyInput = el('textarea', { id: 'log-key', rows: '2', spellcheck: 'false',
                                  'aria-describedby': 'log-key-help' });
keyInput.value = localStorage.getItem(LOGKEY) ||
                 (document.getElementById('node-key') || {}).textContent || '';
const witnessInput = el('textarea', { id: 'witness-keys', rows: '2', spellcheck: 'false',
                                      'aria-describedby': 'witness-help' });
witnessInput.value = localStorage.getItem(WITNESSES) || '';

async function latestNote(k) {
  const text = await (await fetch('/checkpoint')).text();
  const note = parseNote(text);
  const v = await verifyNote(note, k);
  if (!v.ok) throw new Error('the latest checkpoint is not signed by this key: ' + v.why);
  return note;
}

async function latest(k) {
  return parseCheckpoint((await latestNote(k)).text);
}

// Each witness key given: its cosignature on the note, and when.
async function witnesses(note, list) {
  for (const line of witnessInput.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
    let k;
    try {
      k = await parseVkey(line);
    } catch (err) {
      list.append(el('li', { class: 'bad' }, `✗ ${line.slice(0, 40)}: ${err.message}`));
      continue;
    }
    const v = await verifyNote(note, k);
    list.append(el('li', { class: v.ok ? 'good' : 'bad' }, v.ok
      ? `✓ cosigned by ${k.name} at ${new Date(v.time * 1000).toISOString()}`
      : `✗ not cosigned by ${k.name}: ${v.why}`));
  }
}

// That the tree of cp (signed) has the roots of the checkpoints given, by
// hashes from the node's tiles for cp's size.
async function consistent(cp, others) {
  const tiles = tileReader('', cp.size);
  if (!same(await tiles.root(cp.size), cp.root))
    return `the node's tiles do not lead to its checkpoint's root`;
  for (const o of others) {
    if (o.size > cp.size) return `a checkpoint of size ${o.size} was seen, larger than the log now`;
    if (!same(await tiles.root(o.size), o.root))
      return `the log at size ${o.size} had another root than the checkpoint seen then: a fork`;
  }
  return null;
}

function seenOf(origin) {
  const s = JSON.parse(localStorage.getItem(SEEN + origin) || 'null');
  return s ? { size: BigInt(s.size), root: Uint8Array.from(s.root) } : null;
}

function remember(cp) {
  localStorage.setItem(SEEN + cp.origin,
                       JSON.stringify({ size: cp.size.toString(), root: [...cp.root] }));
}

async function checkLatest(host) {
  const out = el('div'), cosigned = el('ul', { id: 'cosigned' });
  host.replaceChildren(out, cosigned, el('form', { id: 'witness-form', onsubmit: (e) => {
    e.preventDefault();
    localStorage.setItem(WITNESSES, witnessInput.value.trim());
    checkLatest(host);
  } }, el('label', { for: 'witness-keys' }, 'Witness keys, one per line (optional)'), witnessInput,
     el('p', { id: 'witness-help', class: 'help' }, 'Each witness\'s cosignature key ' +
       '(NAME+HASH+base64, as dacc log keygen --cosign writes it): its cosignature on the ' +
       'checkpoint is verified here.'),
     el('button', { type: 'submit' }, 'Check the checkpoint again')));
  try {
    const k = await parseVkey(keyInput.value);
    const note = await latestNote(k);
    const cp = parseCheckpoint(note.text);
    await witnesses(note, cosigned);
    const seen = seenOf(cp.origin);
    const bad = await consistent(cp, seen ? [seen] : []);
    if (bad) {
      out.append(el('p', { class: 'bad', id: 'consistency-result' }, 'NOT consistent: ' + bad + '.'));
      return;
    }
    out.append(el('p', { class: 'good', id: 'consistency-result' },
      `The checkpoint (size ${cp.size}) is signed by ${k.name}, ` +
      (seen ? `and the log has only grown since the checkpoint this browser saw last ` +
              `(size ${seen.size}).` : 'and is the first this browser has seen of this log.')));
    remember(cp);
  } catch (err) {
    out.append(el('p', { class: 'bad', id: 'consistency-result' }, 'Not checked: ' + err.message));
  }
}

// Each check of a receipt in turn: [what, null | why it failed].
async function checkReceipt(text, step) {
  const receipt = JSON.parse(text);
  const k = await parseVkey(keyInput.value);
  const p = parseProof(receipt.proof);
  const note = parseNote(p.checkpoint);
  const cp = parseCheckpoint(note.text);
  const sig = await verifyNote(note, k);
  step(`The receipt's checkpoint (size ${cp.size}) is signed by the log's key`, sig.ok ? null : sig.why);
  if (!sig.ok) return false;
  const now = await latest(k);
  let entry = receipt.entry !== undefined ? utf8(receipt.entry) : null;
  if (entry === null) entry = await tileReader('', now.size).entry(p.index);
  const leaf = await leafHash(entry);
  const leafOk = receipt.leaf_hash === undefined || receipt.leaf_hash === hex(leaf);
  step(`Entry ${p.index} hashes to the receipt's leaf hash`, leafOk ? null : 'another hash');
  const root = await rootFromInclusion(p.index, cp.size, leaf, p.hashes);
  const incl = root && same(root, cp.root);
  step(`Its inclusion proof leads to the checkpoint's root`, incl ? null :
       'the proof leads elsewhere: this is not the entry, or not the proof');
  const seen = seenOf(cp.origin);
  const bad = await consistent(now, seen ? [cp, seen] : [cp]);
  step(`That checkpoint is consistent with the log now (size ${now.size})` +
       (seen ? ` and with the one this browser saw last (size ${seen.size})` : ''), bad);
  if (!bad) remember(now);
  try {
    const ev = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(
      JSON.parse(new TextDecoder().decode(entry)).payload), (c) => c.charCodeAt(0))));
    step(`The entry is ${ev.type} by ${ev.signer.slice(0, 16)}…, event ${ev.seq} of its signer`, null);
  } catch {
    step('The entry is not a dacc event', null);
  }
  return sig.ok && leafOk && incl && !bad;
}

function verifier(host) {
  const receipt = el('textarea', { id: 'receipt', rows: '10', spellcheck: 'false',
                                   'aria-describedby': 'receipt-help' });
  const mine = lastReceipt();
  if (mine) receipt.value = JSON.stringify(mine, null, 2);
  const file = el('input', { type: 'file', id: 'receipt-file', accept: '.json,application/json',
                             onchange: async () => {
    if (file.files[0]) receipt.value = await file.files[0].text();
  } });
  const steps = el('ol', { id: 'checks' }), verdict = el('p', { id: 'verdict', role: 'status' });
  const form = el('form', { id: 'verify-form', onsubmit: async (e) => {
    e.preventDefault();
    steps.replaceChildren();
    verdict.textContent = 'Checking…';
    verdict.className = '';
    let ok = false;
    try {
      ok = await checkReceipt(receipt.value, (what, why) => steps.append(
        el('li', { class: why ? 'bad' : 'good' }, (why ? '✗ ' : '✓ ') + what + (why ? ': ' + why : ''))));
      // the key is remembered once it has verified a receipt, not before
      if (ok) localStorage.setItem(LOGKEY, keyInput.value.trim());
    } catch (err) {
      steps.append(el('li', { class: 'bad' }, '✗ ' + err.message));
    }
    verdict.textContent = ok ? 'VALID: this event is in the log.' : 'INVALID: do not trust this receipt.';
    verdict.className = ok ? 'good verdict' : 'bad verdict';
  } },
  el('label', { for: 'log-key' }, "The log's public key"), keyInput,
  el('p', { id: 'log-key-help', class: 'help' }, 'Filled in with what this node says; replace it ' +
    'with the key the operator published, if you have it.'),
  el('label', { for: 'receipt' }, 'A receipt (JSON, as the pages give them)'), receipt,
  el('p', { id: 'receipt-help', class: 'help' }, 'Pasted, or your latest receipt from this ' +
    'browser. Without an "entry", the entry is read from the node\'s tiles.'),
  el('label', { for: 'receipt-file' }, 'Or upload receipt.json'), file,
  el('button', { type: 'submit' }, 'Verify in this browser'), verdict, steps);
  host.replaceChildren(form);
}

verifier(document.getElementById('verify'));
checkLatest(document.getElementById('consistency'));
