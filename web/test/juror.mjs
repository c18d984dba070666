// A juror of a deep-funding round imports a key from the keyboard, answers
// three drawn questions, each signed in the browser, and verifies the last
// receipt on the auditor page; a tampered receipt is shown as invalid; the
// results page and the auditor's checkpoint read without JavaScript.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DACC, startNode, keyOf, createRound, act, browser, openPage, text, waitText, tabTo,
         check, assert, done, getJSON } from './lib.mjs';

const node = await startNode();
const b = await browser();
const op = await keyOf('df operator'), model = await keyOf('df model'),
      juror = await keyOf('df juror');
let id, receipt;

await check('a deep-funding round with drawn questions, its submissions closed', async () => {
  id = await createRound(node, op, {
    mechanism: 'deepfund', title: 'Deep funding: the parser family',
    eligible: { keys: [model.hex, juror.hex] },
    phases: [{ name: 'submissions', close: 'operator' }, { name: 'jury', close: 'operator' }],
    params: { graph: [['root', 'https://github.com/example/lexer'],
                      ['root', 'https://github.com/example/parser'],
                      ['root', 'https://github.com/example/printer'],
                      ['root', 'https://github.com/example/checker']],
              pool: '100000', decimals: 2, questions: 3 } });
  await act(node, model, id, 'deepfund/submission', { weights: [
    ['https://github.com/example/lexer', 'root', '0.4'],
    ['https://github.com/example/parser', 'root', '0.3'],
    ['https://github.com/example/printer', 'root', '0.2'],
    ['https://github.com/example/checker', 'root', '0.1']] });
  await act(node, op, id, 'round/close', { phase: 'submissions' });
});

const page = await openPage(b, node);

await check('the juror imports a key with the keyboard alone', async () => {
  await page.goto(`${node.url}/rounds/${id}`);
  await tabTo(page, '#import-seed');
  await page.keyboard.type(juror.seedHex);
  await page.keyboard.press('Enter');
  const me = await waitText(page, '#my-key', /[0-9a-f]{64}/);
  assert(me === juror.hex, `the page signs as ${me}, not ${juror.hex}`);
  await page.waitForSelector('form.question');
  const asked = await text(page, '#asked');
  assert(/asked 3 questions and have answered 0/.test(asked), asked);
});

await check('the juror answers three questions, each with a receipt', async () => {
  for (let n = 1; n <= 3; n++) {
    const form = await page.waitForSelector('form.question');
    const k = await form.evaluate((f) => f.dataset.question);
    const legend = await text(page, `form[data-question="${k}"] legend`);
    assert(/which contributed more to root\?/.test(legend), legend);
    // from the keyboard: Tab to the choice, Space (or an arrow, to the
    // other project), Tab to the multiplier, type it, Enter
    await tabTo(page, `#q${k}-a`);
    await page.keyboard.press(n % 2 ? 'Space' : 'ArrowDown');
    await tabTo(page, `#q${k}-m`);
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type(String(n + 1));
    if (n === 2) { // a reason, typed, then the submit button from the keyboard
      await tabTo(page, `#q${k}-r`);
      await page.keyboard.type('Geth runs most nodes — «ünïcode»');
      await tabTo(page, `form[data-question="${k}"] button[type=submit]`);
    }
    await page.keyboard.press('Enter');
    await waitText(page, '#asked', new RegExp(`answered ${n}`));
    const h = await text(page, 'section.receipt h3');
    assert(new RegExp(`question ${k} is entry \\d+`).test(h), h);
    const ok = await text(page, 'section.receipt p');
    assert(/^Checked in this browser/.test(ok), ok);
    const cmd = await text(page, 'section.receipt .verify-cmd');
    assert(cmd === 'dacc log verify --key log.pub --inclusion proof.txt --entry event.env', cmd);
  }
  assert((await page.$$('section.receipt')).length === 3, 'three receipts');
  const answers = (await getJSON(node, `/api/v1/rounds/${id}/events?limit=100`)).events
    .map((e) => JSON.parse(Buffer.from(e.envelope.payload, 'base64').toString()))
    .filter((e) => e.type === 'deepfund/answer').map((e) => e.body);
  assert(answers.map((a) => `${a.choice}x${a.multiplier}`).join(' ') === '1x2 2x3 1x4',
         'the answers as typed: ' + JSON.stringify(answers));
  assert(answers[1].reason === 'Geth runs most nodes — «ünïcode»' && !('reason' in answers[0]),
         'the reason as typed, only where given: ' + JSON.stringify(answers));
  assert(/Nothing left to answer/.test(await text(page, '#participate')), 'all answered');
  const st = await getJSON(node, `/api/v1/rounds/${id}/state`);
  assert(st.state.answers === 3, JSON.stringify(st));
  receipt = JSON.parse(await text(page, 'section.receipt .receipt-json'));
  assert(page.errors.length === 0, page.errors.join('\n'));
});

await check('the receipt\'s files pass the dacc log verify command it shows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dacc-web-receipt-'));
  // the page's own downloads, saved by the browser
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  const links = await page.$$('.receipts section.receipt:first-of-type a[download]');
  const names = await Promise.all(links.map((a) => a.evaluate((x) => x.download)));
  assert(names.join(' ') === 'proof.txt event.env receipt.json', names.join(' '));
  for (const a of links) await a.click();
  for (let i = 0; i < 100 && !names.every((n) => existsSync(join(dir, n))); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert(readFileSync(join(dir, 'proof.txt'), 'utf8') === receipt.proof, 'proof.txt');
  assert(readFileSync(join(dir, 'event.env'), 'utf8') === receipt.entry, 'event.env, no newline');
  assert(JSON.parse(readFileSync(join(dir, 'receipt.json'), 'utf8')).index === receipt.index);
  execFileSync(DACC, ['log', 'verify', '--key', join(node.data, 'log.pub'), '--inclusion',
                      join(dir, 'proof.txt'), '--entry', join(dir, 'event.env')],
               { stdio: 'pipe' });
  rmSync(dir, { recursive: true });
});

await check('the auditor page verifies the receipt in the browser', async () => {
  await page.goto(`${node.url}/audit`);
  await waitText(page, '#consistency-result', /signed by/);
  const r = await page.$eval('#receipt', (e) => JSON.parse(e.value));
  assert(r.index === receipt.index, 'the latest receipt is filled in');
  await page.click('#verify-form button[type=submit]');
  const v = await waitText(page, '#verdict', /VALID|INVALID/);
  assert(v.startsWith('VALID'), v + ' ' + await text(page, '#checks'));
  const checks = await text(page, '#checks');
  assert(/✓ Entry \d+ hashes to the receipt's leaf hash/.test(checks), checks);
  assert(/✓ Its inclusion proof leads/.test(checks), checks);
  assert(/deepfund\/answer by/.test(checks), checks);
});

await check('a tampered receipt is shown as invalid', async () => {
  const bad = structuredClone(receipt);
  const payload = JSON.parse(bad.entry);
  const ev = JSON.parse(Buffer.from(payload.payload, 'base64').toString());
  ev.body.multiplier = '999';
  payload.payload = Buffer.from(JSON.stringify(ev)).toString('base64');
  bad.entry = JSON.stringify(payload);
  delete bad.leaf_hash;
  await page.$eval('#receipt', (e, t) => { e.value = t; }, JSON.stringify(bad));
  await page.click('#verify-form button[type=submit]');
  const v = await waitText(page, '#verdict', /VALID|INVALID/);
  assert(v.startsWith('INVALID'), v);
  assert(/✗ Its inclusion proof leads/.test(await text(page, '#checks')), await text(page, '#checks'));
  // a proof hash changed: the proof leads elsewhere
  const bad2 = structuredClone(receipt);
  const lines = bad2.proof.split('\n');
  lines[2] = lines[2].startsWith('A') ? 'B' + lines[2].slice(1) : 'A' + lines[2].slice(1);
  bad2.proof = lines.join('\n');
  await page.$eval('#receipt', (e, t) => { e.value = t; }, JSON.stringify(bad2));
  await page.click('#verify-form button[type=submit]');
  const v2 = await waitText(page, '#verdict', /VALID|INVALID/);
  assert(v2.startsWith('INVALID'), v2);
});

await check('a receipt checked with another log key is invalid', async () => {
  await page.$eval('#receipt', (e, t) => { e.value = t; }, JSON.stringify(receipt));
  // a well-formed key of the same name that is not the log's
  const stranger = await keyOf('not the log');
  const raw = Buffer.concat([Buffer.from([1]), Buffer.from(stranger.pub)]);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from('localhost/dacc\n'), raw]))
    .digest().subarray(0, 4).toString('hex');
  const other = `localhost/dacc+${id}+${raw.toString('base64')}`;
  await page.$eval('#log-key', (e) => { e.value = ''; });
  await page.type('#log-key', other);
  await page.click('#verify-form button[type=submit]');
  const v = await waitText(page, '#verdict', /VALID|INVALID/);
  assert(v.startsWith('INVALID'), v);
  assert(/✗ The receipt's checkpoint .* is signed by the log's key: no signature by this key/
    .test(await text(page, '#checks')), await text(page, '#checks'));
  await page.$eval('#log-key', (e, k) => { e.value = k; }, await text(page, '#node-key'));
});

await check('a log that no longer has the root this browser saw is a fork', async () => {
  // what this browser remembers: the log at size 2 with another root
  await page.evaluate(() => localStorage.setItem('dacc.seen.v1.localhost/dacc',
    JSON.stringify({ size: '2', root: Array(32).fill(7) })));
  await page.reload();
  const r = await waitText(page, '#consistency-result', /consistent|Not checked/);
  assert(/^NOT consistent: the log at size 2 had another root/.test(r), r);
  // and a browser that saw the real size-2 checkpoint is fine
  await page.evaluate(() => localStorage.removeItem('dacc.seen.v1.localhost/dacc'));
  await page.reload();
  assert(/first this browser has seen/.test(await waitText(page, '#consistency-result', /signed/)));
  await page.reload();
  assert(/only grown since/.test(await waitText(page, '#consistency-result', /signed/)));
});

await check('the results read without JavaScript', async () => {
  await act(node, op, id, 'round/close', { phase: 'jury' });
  const p = await openPage(b, node, { js: false });
  await p.goto(`${node.url}/rounds/${id}`);
  assert(/final result/.test(await text(p, '#results')), await text(p, '#results'));
  const lb = await text(p, '#leaderboard tbody');
  assert(lb.includes(model.hex.slice(0, 16)), lb);
  const top = await text(p, '#allocation tbody tr:first-child');
  assert(/github\.com\/example\//.test(top), top);
  assert(await p.$('figure.chart svg[role=img]'), 'the allocation chart');
  const replay = await text(p, '#replay-cmd');
  assert(replay === `dacc round replay --node ${node.url} --log-key log.pub ${id}`, replay);
  assert(/Taking part needs JavaScript/.test(await text(p, '#participate')), 'says what needs JS');
  await p.goto(`${node.url}/audit`);
  assert(/Size\s*\d+ entries/.test(await text(p, 'dl.facts')), await text(p, 'dl.facts'));
  assert(/the log's signature/.test(await text(p, 'table.sigs')), await text(p, 'table.sigs'));
  await p.goto(`${node.url}/audit?entry=${receipt.index}`);
  assert(/deepfund\/answer/.test(await text(p, '#entry-json')), await text(p, '#entry-json'));
  assert(p.errors.length === 0, p.errors.join('\n'));
});

await b.close();
await node.stop();
done();
