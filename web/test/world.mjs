// One round of every mechanism on a real node, made over HTTP as its
// participants would (the soft pause's root and heartbeat notes by the
// `dacc pause` commands): the pages the accessibility test and the
// screenshots visit. The browser's own participant (key "browser") is
// eligible in each, with work left for it to do.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DACC, keyOf, createRound, act } from './lib.mjs';
import { keyFromSeed, hex, unb64 } from '../js/event.js';

const repo = (name) => `https://github.com/example/${name}`;
const ops = new Map(); // operator keys by name, as the rounds left them

async function operator(name) {
  const k = await keyOf(name);
  ops.set(name, k);
  return k;
}

async function deepfund(node, me) {
  const op = await operator('df operator'), models = [await keyOf('model A'), await keyOf('model B')];
  const juror = await keyOf('juror 1');
  const names = ['lexer', 'parser', 'printer', 'checker', 'docs', 'fuzzer'];
  const id = await createRound(node, op, {
    mechanism: 'deepfund', title: 'Deep funding: the compiler family',
    eligible: { keys: [...models.map((m) => m.hex), juror.hex, me.hex] },
    phases: [{ name: 'submissions', close: 'operator' }, { name: 'jury', close: 'operator' }],
    params: { graph: names.map((n) => ['root', repo(n)]), pool: '500000', decimals: 2,
              questions: 3 } });
  const w = [['0.30', '0.25', '0.15', '0.12', '0.10', '0.08'],
             ['0.10', '0.20', '0.20', '0.20', '0.15', '0.15']];
  for (const [i, m] of models.entries())
    await act(node, m, id, 'deepfund/submission',
              { weights: names.map((n, k) => [repo(n), 'root', w[i][k]]) });
  await act(node, op, id, 'round/close', { phase: 'submissions' });
  for (let q = 1; q <= 3; q++)
    await act(node, juror, id, 'deepfund/answer', { question: q, choice: 1 + (q % 2),
                                                    multiplier: String(q + 1) });
  return id;
}

async function pgf(node, me) {
  const op = await operator('qf operator');
  const id = await createRound(node, op, {
    mechanism: 'pgf', title: 'Quadratic funding: open-source security',
    eligible: { open: true }, phases: [{ name: 'donations', close: 'operator' }],
    params: { pool: '1000000', decimals: 2, method: 'qf' } });
  const gifts = [['alice', 'sigstore', '2500'], ['bob', 'sigstore', '100'], ['carol', 'sigstore', '900'],
                 ['alice', 'osv-scanner', '10000'], ['dave', 'curl', '400'], ['erin', 'curl', '400'],
                 ['frank', 'curl', '400'], ['grace', 'openssl', '20000']];
  const donors = {};
  for (const [who, project, amount] of gifts) {
    donors[who] ||= await keyOf('donor ' + who);
    await act(node, donors[who], id, 'pgf/donation', { amount, project });
  }
  void me;
  return id;
}

async function market(node, me) {
  const op = await operator('market operator'), other = await keyOf('trader 2');
  const id = await createRound(node, op, {
    mechanism: 'market', title: 'Will the audit find a critical bug by June?',
    eligible: { keys: [me.hex, other.hex] }, phases: [{ name: 'trading', close: 'operator' }],
    params: { decimals: 2, markets: [{ id: 'audit', kind: 'lmsr', outcomes: '2',
                                       funding: '1000' }] } });
  for (const k of [me, other])
    await act(node, op, id, 'market/deposit', { account: k.hex, amount: '10000000' });
  for (const [shares, outcome] of [['40000', 0], ['25000', 1], ['60000', 0], ['20000', 1]])
    await act(node, other, id, 'market/buy', { market: 'audit', outcome, shares });
  return id;
}

async function notes(node, me) {
  const op = await keyOf('notes operator');
  const id = await createRound(node, op, {
    mechanism: 'notes', title: 'Notes on model release claims', eligible: { open: true },
    phases: [{ name: 'rating', close: 'operator' }], params: {} });
  // 12 raters in two camps rate 12 notes: enough for the scorer to fit its
  // model (a rater needs 10 ratings, a note 5); the camps agree on some
  // notes (which bridging can call helpful) and split on others
  const raters = [];
  for (let i = 0; i < 12; i++) {
    raters.push(await keyOf('rater ' + i));
    await act(node, op, id, 'notes/enroll', { group: i % 2, participant: raters[i].hex });
  }
  const said = [['1001', 'The benchmark figure compares against an older model, not the current one.'],
                ['1002', 'The release notes state the evaluation set was held out; it was not.'],
                ['1003', 'Der Vergleich ist fair: gleiche Daten, gleiche Größe.']];
  for (let k = 4; k <= 12; k++) said.push([String(1000 + k), `Note ${k}: the claim needs a source.`]);
  const author = await keyOf('note author');
  for (const [note, summary] of said)
    await act(node, author, id, 'notes/note', { classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
                                                note, summary, tweet: '9' + note });
  const levels = ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'];
  for (const [i, r] of raters.entries())
    for (const [k, [note]] of said.entries()) {
      if (note === '1002' && i < 2) continue; // left for the browser's rater
      const agree = k % 3 === 0, camp = i % 2;
      await act(node, r, id, 'notes/rating',
                { helpfulness: agree ? levels[(i % 4 === 0) ? 1 : 0] : levels[camp ? 2 : 0], note });
    }
  void me;
  return id;
}

// A body's note key file: PRIVATE+KEY+NAME+HASH+base64(type || seed).
async function bodyKey(path) {
  const seed = unb64(readFileSync(path, 'utf8').trim().split('+').slice(4).join('+')).subarray(1);
  const k = await keyFromSeed(seed);
  return { ...k, hex: hex(k.pub), seq: 0 };
}

async function pause(node, dir) {
  const d = join(dir, 'pause');
  mkdirSync(d, { recursive: true });
  const run = (...args) => execFileSync(DACC, args, { cwd: d, stdio: ['ignore', 'pipe', 'pipe'] });
  const now = Math.floor(Date.now() / 1000), week = 7 * 86400;
  for (const b of ['b0', 'b1', 'b2']) run('pause', 'keygen', `${b}.example`, b);
  run('log', 'keygen', 'pause.example/log', 'L');
  run('pause', 'root', 'init', '--domain', 'pause.example', '--expires', String(now + 365 * 86400),
      '-k', '2', '--signer', 'b0.pub', '--signer', 'b1.pub', '--signer', 'b2.pub',
      '--log', 'L.pub', '-o', 'root');
  for (const b of ['b0', 'b1', 'b2']) run('pause', 'root', 'sign', '--key', `${b}.key`, 'root', '-o', 'root');
  const op = await keyOf('pause operator');
  const bodies = await Promise.all(['b0', 'b1', 'b2'].map((b) => bodyKey(join(d, `${b}.key`))));
  const id = await createRound(node, op, {
    mechanism: 'pause', title: 'Soft pause: pause.example',
    eligible: { keys: bodies.map((b) => b.hex) }, phases: [{ name: 'signing', close: 'operator' }],
    params: { root: readFileSync(join(d, 'root'), 'utf8') } });
  for (let epoch = 1; epoch <= 2; epoch++) {
    const nb = now - week + (epoch - 1) * week, na = nb + 2 * week;
    await act(node, op, id, 'pause/heartbeat', { epoch, not_after: na, not_before: nb });
    run('pause', 'heartbeat', 'draft', '--root', 'root', '--epoch', String(epoch), '--not-before',
        String(nb), '--not-after', String(na), '-o', `hb${epoch}`);
    for (const [i, b] of bodies.entries()) {
      if (epoch === 2 && i === 1) continue; // body 1 has not signed the latest yet
      run('pause', 'heartbeat', 'sign', '--key', `b${i}.key`, `hb${epoch}`, '-o', `hb${epoch}.b${i}`);
      const line = readFileSync(join(d, `hb${epoch}.b${i}`), 'utf8').trim().split('\n').pop();
      await act(node, b, id, 'pause/sign', { epoch, signature: line });
    }
  }
  return id;
}

// The rounds' ids, the browser's key (me), and the operators' keys (ops,
// with their sequence numbers, for tests that go on with a round).
export async function makeWorld(node) {
  const me = await keyOf('browser');
  const w = { me, deepfund: await deepfund(node, me), pgf: await pgf(node, me),
              market: await market(node, me), notes: await notes(node, me),
              pause: await pause(node, node.dir) };
  w.ops = { deepfund: ops.get('df operator'), pgf: ops.get('qf operator'),
            market: ops.get('market operator') };
  return w;
}
