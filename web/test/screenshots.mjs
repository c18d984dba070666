// `make screenshots`: every page at 1280x800 and 390x844, into docs/web/,
// from a node holding one round of every mechanism (world.mjs), with the
// browser's participant holding a key.
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, browser, openPage, check, done } from './lib.mjs';
import { makeWorld } from './world.mjs';
import { pages } from './pages.mjs';

const out = process.env.SCREENSHOTS ||
            join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'web');
mkdirSync(out, { recursive: true });
const node = await startNode();
const w = await makeWorld(node);
const b = await browser();
for (const [width, height, kind] of [[1280, 800, 'desktop'], [390, 844, 'phone']]) {
  const page = await openPage(b, node, { width, height });
  await page.goto(node.url + '/key');
  await page.evaluate((s) => localStorage.setItem('dacc.key.v1', s), w.me.seedHex);
  // one donation from this browser, so that its receipt is there to verify
  await page.goto(`${node.url}/rounds/${w.pgf}`, { waitUntil: 'networkidle0' });
  await page.type('#d-project', 'curl');
  await page.type('#d-amount', '5');
  await page.click('#donate button[type=submit]');
  await page.waitForSelector('section.receipt');
  if (kind === 'desktop') {
    await page.$eval('section.receipt', (e) => e.scrollIntoView());
    await page.screenshot({ path: join(out, `receipt-${kind}.png`) });
  }
  for (const [name, path] of pages(w)) {
    await check(`${name} at ${width}x${height}`, async () => {
      await page.goto(node.url + path, { waitUntil: 'networkidle0' });
      await page.screenshot({ path: join(out, `${name}-${kind}.png`) });
      if (path === '/audit') {
        await page.click('#verify-form button[type=submit]');
        await page.waitForSelector('#verdict.verdict');
        await page.$eval('#verify', (e) => e.scrollIntoView());
        await page.screenshot({ path: join(out, `audit-verified-${kind}.png`) });
      }
      // a round's results, further down: a second view, scrolled to them
      if (path.startsWith('/rounds/') && await page.$('#results')) {
        await page.$eval('#results', (e) => e.scrollIntoView());
        await page.screenshot({ path: join(out, `${name}-results-${kind}.png`) });
      }
    });
  }
  await page.close();
}
await b.close();
await node.stop();
done();
