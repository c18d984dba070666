// A donor, a forecaster and a rater, each from the keyboard alone, each
// event signed in the browser: the donor sees the matching estimate move
// (and a donation to a project with a non-ASCII name is accepted: the
// browser's canonical JSON against the node's), the forecaster previews
// the exact cost and sees the price move and pays exactly that, the rater
// sees the note's ratings and status with its reasons.

import { startNode, browser, openPage, text, waitText, tabTo, check, assert, done,
         getJSON, act } from './lib.mjs';
import { makeWorld } from './world.mjs';
import { keyFromSeed, hex, unhex } from '../js/event.js';

const node = await startNode();
const w = await makeWorld(node);
const b = await browser();
const page = await openPage(b, node);
await page.goto(node.url + '/key');
await page.evaluate((s) => localStorage.setItem('dacc.key.v1', s), w.me.seedHex);

await check('a new participant makes a key, sees its secret and forgets it, from the keyboard', async () => {
  const ctx = await b.createBrowserContext();
  const p = await ctx.newPage();
  await p.goto(node.url + '/key');
  await tabTo(p, '#make-key');
  await p.keyboard.press('Enter');
  const pub = await waitText(p, '#my-key', /^[0-9a-f]{64}$/);
  await tabTo(p, '#show-secret');
  await p.keyboard.press('Enter');
  const seed = await waitText(p, '#secret', /^[0-9a-f]{64}$/);
  const k = await keyFromSeed(unhex(seed));
  assert(hex(k.pub) === pub, 'the secret shown is the key the page signs with');
  await tabTo(p, '#forget');
  await p.keyboard.press('Enter');
  await p.waitForSelector('#make-key');
  assert(await p.evaluate(() => localStorage.getItem('dacc.key.v1')) === null, 'forgotten');
  await ctx.close();
});

const cell = (project, col) => page.$$eval('#projects tbody tr', (rows, p, c) => {
  const r = rows.find((tr) => tr.cells[0].textContent === p);
  return r ? r.cells[c].textContent : null;
}, project, col);

async function donate(project, amount) {
  await tabTo(page, '#d-project');
  await page.keyboard.type(project);
  await tabTo(page, '#d-amount');
  await page.keyboard.type(amount);
  // the last donation's "Logged" must not pass for this one's
  await page.$eval('#donate .status', (e) => { e.textContent = ''; });
  await page.keyboard.press('Enter');
  await waitText(page, '#donate .status', /Logged|Refused/);
  const s = await text(page, '#donate .status');
  assert(s.startsWith('Logged'), s);
}

await check('a donor donates and sees the matching estimate move', async () => {
  await page.goto(`${node.url}/rounds/${w.pgf}`);
  await page.waitForSelector('#donate');
  const before = Number(await cell('curl', 3)), donors = await cell('curl', 1);
  const payout = await cell('curl', 5);
  assert(donors === '3', `curl has 3 donors, not ${donors}`);
  await donate('curl', '12.50');
  await waitText(page, '#projects', /./);
  const after = Number(await cell('curl', 3));
  assert(await cell('curl', 1) === '4', 'a fourth donor');
  assert(after > before, `the matching estimate moved up: ${before} -> ${after}`);
  assert(await cell('curl', 5) !== payout, 'and so did the payout');
  const h = await text(page, 'section.receipt h3');
  assert(/your donation to curl is entry \d+/.test(h), h);
  assert(/payouts add up to .* the pool 10000\.00 exactly/.test(await text(page, '#pool-check')),
         await text(page, '#pool-check'));
});

await check('a browser-signed event with non-ASCII text is accepted as the node reads it', async () => {
  const name = 'Café Ünïcode ✓ 日本';
  await donate(name, '3');
  await page.waitForFunction((p) => [...document.querySelectorAll('#projects tbody tr')]
    .some((tr) => tr.cells[0].textContent === p), { timeout: 10000 }, name).catch(() => {});
  assert(await cell(name, 1) === '1', 'the project is listed under its own name');
  const ev = await getJSON(node, `/api/v1/rounds/${w.pgf}/events?limit=1000`);
  const last = ev.events[ev.events.length - 1].envelope;
  const payload = JSON.parse(Buffer.from(last.payload, 'base64').toString('utf8'));
  assert(payload.body.project === name, payload.body.project);
  // text from an event is text, never markup
  const html = '<img src=x onerror="window.pwned=1">"\'&';
  await donate(html, '1');
  // the table is refreshed after the receipt: wait for the new row
  await page.waitForFunction((p) => [...document.querySelectorAll('#projects tbody tr')]
    .some((tr) => tr.cells[0].textContent === p), { timeout: 10000 }, html).catch(() => {});
  assert(await cell(html, 1) === '1', 'the name is shown as typed');
  assert(!(await page.$('#projects img')) && !(await page.evaluate(() => window.pwned)),
         'and never becomes an element');
  assert(page.errors.length === 0, page.errors.join('\n'));
});

const price = (k) => page.$eval(`table.prices tbody tr:nth-child(${k + 1}) td.num`,
                                (e) => Number(e.textContent));
const money = async () => Number((await text(page, '#position')).match(/([0-9.]+)\.$/)[1]);

await check('a forecaster previews the exact cost, trades, and sees the price move', async () => {
  await page.goto(`${node.url}/rounds/${w.market}`);
  await page.waitForSelector('#trade');
  const p0 = await price(0), m0 = await money();
  await tabTo(page, '#t-shares');
  await page.keyboard.type('30000');
  assert(await page.$eval('#t-sign', (e) => e.disabled), 'no signing before a quote');
  await tabTo(page, '#t-preview');
  await page.keyboard.press('Enter');
  const q = await waitText(page, '#t-quote', /costs exactly/);
  const cost = Number(q.match(/costs exactly ([0-9.]+)/)[1]);
  assert(cost > 0, q);
  assert(/price moves from 0\.\d{4} to 0\.\d{4}/.test(q), q);
  await tabTo(page, '#t-sign');
  await page.keyboard.press('Enter');
  await waitText(page, '#trade .status', /Logged|Refused/);
  assert((await text(page, '#trade .status')).startsWith('Logged'), await text(page, '#trade .status'));
  await waitText(page, '#position', /Your money/);
  const p1 = await price(0), m1 = await money();
  assert(p1 > p0, `the price of outcome 0 moved up: ${p0} -> ${p1}`);
  assert(Math.abs(m0 - m1 - cost) < 1e-9, `paid exactly the quote: ${m0} - ${m1} != ${cost}`);
  const held = await waitText(page, '#position', /Your shares: .* outcome 0: /);
  assert(/outcome 0: 30000[.;]/.test(held), `the position shows the shares bought: ${held}`);
  assert(await page.$('figure.chart svg polyline'), 'a price history');
});

await check('a trade the node refuses shows the node\'s reason and changes nothing', async () => {
  const m0 = await money(), p0 = await price(0);
  await page.$eval('#t-shares', (e) => { e.value = ''; });
  await page.type('#t-shares', '100000000');
  await page.click('#t-preview');
  // the last trade's quote and status are gone once the shares are edited,
  // so neither can pass for this trade's
  assert(await text(page, '#trade .status') === '', 'the last trade\'s status is cleared');
  await waitText(page, '#t-quote', /Buying 100000000 shares .*costs exactly/);
  await page.waitForFunction(() => !document.querySelector('#t-sign').disabled);
  await page.click('#t-sign');
  const s = await waitText(page, '#trade .status', /Logged|Refused/);
  assert(/^Refused: .*less money than the cost/.test(s), s);
  assert(await money() === m0 && await price(0) === p0, 'nothing changed');
});

await check('after resolution, the forecaster redeems and is paid', async () => {
  const op = w.ops.market;
  await act(node, op, w.market, 'market/resolve', { market: 'audit', outcome: 0 });
  await page.goto(`${node.url}/rounds/${w.market}`);
  await page.waitForSelector('form.redeem');
  assert(/resolved/.test(await text(page, '#results .market dl')), 'the market says it is resolved');
  assert(!(await page.$('#trade')), 'no trade form on a resolved market');
  const m0 = await money();
  await tabTo(page, 'form.redeem button');
  await page.keyboard.press('Enter');
  await waitText(page, 'form.redeem .status', /Logged|Refused/);
  assert((await text(page, 'form.redeem .status')).startsWith('Logged'),
         await text(page, 'form.redeem .status'));
  // "Logged" shows as soon as the receipt is in; the position is read
  // again after that, so wait for it to move rather than race it.
  await page.waitForFunction((m) => {
    const t = document.querySelector('#position')?.textContent.match(/([0-9.]+)\.$/);
    return t && Number(t[1]) !== m;
  }, { timeout: 10000 }, m0).catch(() => {});
  const m1 = await money();
  assert(Math.abs(m1 - m0 - 300) < 1e-9, `30000 shares of the outcome paid 300.00: ${m0} -> ${m1}`);
  assert(/Balances, with the payouts/.test(await text(page, '#accounts caption')), 'payouts');
});

await check('after the QF round closes, its payouts sum exactly to the pool', async () => {
  await act(node, w.ops.pgf, w.pgf, 'round/close', { phase: 'donations' });
  await page.goto(`${node.url}/rounds/${w.pgf}`);
  assert(/^Payouts/.test(await text(page, '#res-h')), await text(page, '#res-h'));
  assert(!(await page.$('#donate')), 'no donation form once closed');
  assert(/the pool 10000\.00 exactly/.test(await text(page, '#pool-check')), await text(page, '#pool-check'));
  const sum = await page.$$eval('#projects tbody tr', (rows) =>
    rows.reduce((n, tr) => n + Math.round(Number(tr.cells[5].textContent) * 100), 0));
  assert(sum === 1000000, `the payouts shown add up to ${sum} base units, not 1000000`);
});

await check('a rater rates a note and sees its ratings, status and reasons', async () => {
  await page.goto(`${node.url}/rounds/${w.notes}/notes/1002`);
  await page.waitForSelector('#rate');
  const before = Number(await text(page, '#ratings'));
  await tabTo(page, '#r-HELPFUL');
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await waitText(page, '#rate .status', /Logged|Refused/);
  assert((await text(page, '#rate .status')).startsWith('Logged'), await text(page, '#rate .status'));
  await waitText(page, '#ratings', new RegExp(`^${before + 1}$`));
  const status = await text(page, '#status');
  assert(/HELPFUL|NEEDS_MORE_RATINGS/.test(status), status);
  const reasons = await text(page, '#reasons');
  assert(/InitialNMR|Unscored/.test(reasons), reasons);
  assert(page.errors.length === 0, page.errors.join('\n'));
});

await check('the notes list shows each note, its status and why, without JavaScript', async () => {
  const p = await openPage(b, node, { js: false });
  await p.goto(`${node.url}/rounds/${w.notes}`);
  const rows = await p.$$eval('#notes tbody tr', (r) => r.map((tr) => tr.textContent));
  assert(rows.length === 12, `${rows.length} notes`);
  assert(rows.some((r) => r.includes('Größe')), 'non-ASCII summaries');
  await p.goto(`${node.url}/rounds/${w.pgf}`);
  assert(/Payouts by project/.test(await text(p, '#results')), 'the QF results read without JS');
  await p.goto(`${node.url}/rounds/${w.pause}`);
  assert(/2 of the 2 needed: ready/.test(await text(p, '#results')), await text(p, '#results'));
  assert(/b0\.example.*b2\.example/.test(await text(p, 'ul.signers')), await text(p, 'ul.signers'));
  assert(/devices halt at/.test(await text(p, '#countdown')), 'the halt time');
  await p.close();
});

await b.close();
await node.stop();
done();
