// axe-core finds no WCAG 2.x A/AA violation (2.2 included) on any page, at
// a desktop and a phone width, with and without scripts, with a key and
// without, and after a receipt is shown; no page loads anything from
// outside the node.
import { startNode, browser, openPage, axe, check, assert, done, act } from './lib.mjs';
import { makeWorld } from './world.mjs';
import { pages } from './pages.mjs';

const node = await startNode();
const w = await makeWorld(node);
const b = await browser();

for (const [js, width, height, key] of [[true, 1280, 800, true], [true, 390, 844, false],
                                         [false, 1280, 800, false]]) {
  const page = await openPage(b, node, { width, height, noScripts: !js });
  if (key) {
    await page.goto(node.url + '/key');
    await page.evaluate((s) => localStorage.setItem('dacc.key.v1', s), w.me.seedHex);
  }
  for (const [name, path] of pages(w)) {
    await check(`${name}: no violations (${width}px, ${js ? 'scripts' : 'no scripts'}, ` +
                `${key ? 'a key' : 'no key'})`, async () => {
      await page.goto(node.url + path, { waitUntil: js ? 'networkidle0' : 'load' });
      const v = await axe(page);
      assert(v.length === 0, v.join('\n'));
      assert(page.errors.length === 0, page.errors.join('\n'));
    });
  }
  await page.close();
}

await check('a page with a receipt and a refusal shown has no violations', async () => {
  const page = await openPage(b, node);
  await page.goto(node.url + '/key');
  await page.evaluate((s) => localStorage.setItem('dacc.key.v1', s), w.me.seedHex);
  await page.goto(`${node.url}/rounds/${w.pgf}`, { waitUntil: 'networkidle0' });
  await page.type('#d-project', 'curl');
  await page.type('#d-amount', '1');
  await page.click('#donate button[type=submit]');
  await page.waitForSelector('section.receipt');
  await page.type('#d-project', 'curl');
  await page.type('#d-amount', '0.001');
  await page.click('#donate button[type=submit]');
  await page.waitForSelector('#donate .status.bad');
  const v = await axe(page);
  assert(v.length === 0, v.join('\n'));
  await page.goto(`${node.url}/audit`, { waitUntil: 'networkidle0' });
  await page.click('#verify-form button[type=submit]');
  await page.waitForSelector('#verdict.verdict');
  const v2 = await axe(page);
  assert(v2.length === 0, v2.join('\n'));
});
await check('axe does report a violation where there is one', async () => {
  const page = await openPage(b, node);
  await page.goto(node.url + '/key', { waitUntil: 'networkidle0' });
  await page.evaluate(() => document.querySelector('main').append(document.createElement('input')));
  const v = await axe(page);
  assert(v.some((x) => x.startsWith('label:')), 'an input without a label: ' + v.join('\n'));
});
void act;

await b.close();
await node.stop();
done();
