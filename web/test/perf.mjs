// The first view of a large round renders in under a second: a QF round
// of 10,000 projects and 100,000 donations (10,000 donors giving 10 each),
// signed here by web/js/event.js and appended with `dacc round append`
// (posting 10^5 events one by one would measure the node's write path,
// which bench/node does), then served by a real node and opened in
// Chromium. Prints the figures bench/README.md records.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { DACC, startNode, keyOf, browser, openPage, check, assert, done, text } from './lib.mjs';
import { signEvent, canonical, pae, utf8, b64, EVENT_TYPE } from '../js/event.js';

const PROJECTS = Number(process.env.PROJECTS || 10000), DONORS = Number(process.env.DONORS || 10000);
const EACH = 10;
const dir = mkdtempSync(join(tmpdir(), 'dacc-web-perf-'));
let id, node;

await check(`a QF round of ${PROJECTS} projects and ${DONORS * EACH} donations, appended`, async () => {
  const t = Date.now();
  const op = await keyOf('perf operator');
  const config = { mechanism: 'pgf', title: 'A large round', eligible: { open: true },
                   phases: [{ name: 'donations', close: 'operator' }],
                   params: { pool: '100000000', decimals: 2, method: 'qf' } };
  const lines = [await signEvent(op, { seq: 1, type: 'round/config', body: config })];
  id = createHash('sha256').update(canonical({ body: config, seq: 1, signer: op.hex,
                                                type: 'round/config' })).digest('hex');
  let x = 12345; // a fixed draw: the same round every run
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  // the donors' events: event.js's payload and PAE, signed by node:crypto
  // (synchronous, so 10^5 signatures take seconds, not tens of them)
  const pkcs8 = Buffer.from('302e020100300506032b657004220420', 'hex');
  for (let d = 0; d < DONORS; d++) {
    const seed = createHash('sha256').update('perf donor ' + d).digest();
    const key = createPrivateKey({ key: Buffer.concat([pkcs8, seed]), format: 'der', type: 'pkcs8' });
    const signer = Buffer.from(key.export({ format: 'jwk' }).x, 'base64url').toString('hex');
    for (let s = 1; s <= EACH; s++) {
      // every project gets donations: donor d's first goes to project d
      const p = s === 1 ? d % PROJECTS : next() % PROJECTS;
      const payload = utf8(canonical({ body: { amount: String(100 + (next() % 10000)),
                                               project: `project-${p}` },
                                       round: id, seq: s, signer, type: 'pgf/donation' }));
      const sig = sign(null, pae(EVENT_TYPE, payload), key);
      lines.push(`{"payload":"${b64(payload)}","payloadType":"${EVENT_TYPE}",` +
                 `"signatures":[{"sig":"${sig.toString('base64')}"}]}`);
    }
  }
  writeFileSync(join(dir, 'events.env'), lines.join('\n') + '\n');
  const signed = Date.now() - t;
  execFileSync(DACC, ['log', 'init', '--origin', 'localhost/dacc', join(dir, 'data')],
               { stdio: 'ignore' });
  execFileSync(DACC, ['round', 'append', '--log', join(dir, 'data'), join(dir, 'events.env')],
               { stdio: 'ignore' });
  console.log(`# signed ${lines.length} events in ${signed} ms, appended in ${Date.now() - t - signed} ms`);
  node = await startNode([], dir);
});

const b = await browser();
const figures = [];

async function firstView(name, path, want) {
  await check(`${name}: the first view in under a second`, async () => {
    const page = await openPage(b, node);
    // the first read after the node starts loads the round into the
    // store (its live round: every event applied once); reported apart
    const cold = Date.now();
    await page.goto(node.url + path, { waitUntil: 'load' });
    console.log(`# ${name}: the first read after the node started took ${Date.now() - cold} ms`);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(node.url + path, { waitUntil: 'load' });
      runs.push(await page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100)));
        const n = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByType('paint')
          .find((e) => e.name === 'first-contentful-paint');
        return { server: n.responseStart - n.requestStart, bytes: n.transferSize,
                 fcp: fcp ? fcp.startTime : 1e9, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
      }));
    }
    runs.sort((a, c) => a.fcp - c.fcp);
    const m = runs[1]; // the median of three
    assert(want.test(await text(page, '#results')), 'the page shows the round');
    figures.push(`${name}: server ${m.server.toFixed(0)} ms, first contentful paint ` +
                 `${m.fcp.toFixed(0)} ms, DOMContentLoaded ${m.dcl.toFixed(0)} ms, load ` +
                 `${m.load.toFixed(0)} ms, ${(m.bytes / 1024).toFixed(0)} KiB`);
    console.log('# ' + figures[figures.length - 1]);
    assert(m.fcp < 1000 && m.dcl < 1000, `first view in ${m.fcp} ms (paint), ${m.dcl} ms (DOM)`);
    await page.close();
  });
}

if (node) {
  await firstView('QF round page', `/rounds/${id}`, new RegExp(`${DONORS * EACH} donations`));
  await check('the home page lists it', async () => {
    const page = await openPage(b, node);
    const t = Date.now();
    await page.goto(node.url + '/', { waitUntil: 'load' });
    console.log(`# home page: loaded in ${Date.now() - t} ms`);
    assert(/A large round/.test(await text(page, 'table.rounds')), 'listed');
    await page.close();
  });
}
console.log(`# machine: ${cpus().length} x ${cpus()[0].model}`);
await b.close();
if (node) await node.stop();
done();
