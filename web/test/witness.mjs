// A node whose checkpoints a witness node cosigns: the home page and the
// auditor's page show the witness and when it cosigned, and the auditor's
// page verifies the cosignature with the witness's key, in the browser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DACC, startNode, keyOf, createRound, browser, openPage, text, waitText, check,
         assert, done } from './lib.mjs';

const a = mkdtempSync(join(tmpdir(), 'dacc-web-a-')), w = mkdtempSync(join(tmpdir(), 'dacc-web-w-'));
execFileSync(DACC, ['log', 'init', '--origin', 'localhost/dacc', join(a, 'data')], { stdio: 'ignore' });
execFileSync(DACC, ['log', 'keygen', '--cosign', 'witness.example/w1', join(w, 'w1')],
             { stdio: 'ignore' });
const wit = await startNode(['--witness-key', join(w, 'w1.key'),
                             '--witness-log', join(a, 'data', 'log.pub')], w);
const node = await startNode(['--witness', `${wit.url}=${join(w, 'w1.pub')}`], a);
const wpub = readFileSync(join(w, 'w1.pub'), 'utf8').trim();
const b = await browser();

await check('the node is cosigned by its witness', async () => {
  const op = await keyOf('op');
  await createRound(node, op, { mechanism: 'pgf', title: 'Witnessed', eligible: { open: true },
                                phases: [{ name: 'donations', close: 'operator' }],
                                params: { pool: '1000', decimals: 2, method: 'qf' } });
  for (let i = 0; i < 100; i++) {
    if ((await (await fetch(node.url + '/checkpoint')).text()).includes('— witness.example/w1 '))
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no cosignature within 5 s');
});

await check('the home page shows the witness and when it cosigned, without JavaScript', async () => {
  const p = await openPage(b, node, { js: false });
  await p.goto(node.url + '/');
  const rows = (await p.$$eval('table.sigs tbody tr', (r) =>
    r.map((tr) => [...tr.cells].map((td) => td.textContent).join(' | ')))).join('\n');
  assert(/^localhost\/dacc \| [0-9a-f]{8} \| the log's signature \| —$/m.test(rows), rows);
  const t = new Date().toISOString().slice(0, 10);
  assert(new RegExp(`^witness\\.example/w1 \\| [0-9a-f]{8} \\| witness cosignature \\| ${t} ` +
                    '\\d\\d:\\d\\d:\\d\\d UTC$', 'm').test(rows), rows);
  await p.close();
});

await check('the auditor page verifies the cosignature with the witness key', async () => {
  const p = await openPage(b, node);
  await p.goto(node.url + '/audit');
  await waitText(p, '#consistency-result', /signed by|Not checked/);
  await p.type('#witness-keys', wpub);
  await p.click('#witness-form button[type=submit]');
  const c = await waitText(p, '#cosigned', /cosigned/);
  assert(/^✓ cosigned by witness\.example\/w1 at 20\d\d-/.test(c), c);
  // a witness key that did not cosign
  execFileSync(DACC, ['log', 'keygen', '--cosign', 'witness.example/w2', join(w, 'w2')],
               { stdio: 'ignore' });
  const other = readFileSync(join(w, 'w2.pub'), 'utf8').trim();
  await p.$eval('#witness-keys', (e, v) => { e.value = v; }, other);
  await p.click('#witness-form button[type=submit]');
  const c2 = await waitText(p, '#cosigned', /w2/);
  assert(/^✗ not cosigned by witness\.example\/w2/.test(c2), c2);
  assert(p.errors.length === 0, p.errors.join('\n'));
});

await b.close();
await node.stop();
await wit.stop();
done();
