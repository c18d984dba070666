// What the browser tests share: a real `dacc serve` on a free loopback
// port and a fresh data directory, keys and signed events made by the
// pages' own module (web/js/event.js, so every event the node accepts from
// here is a check of that module against the C canonicalisation), rounds
// created over HTTP, headless Chromium, axe-core, and a tiny runner that
// prints one line per check and a closing "N passed, N failed".

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { keyFromSeed, signEvent, canonical, hex } from '../js/event.js';

export const DACC = process.env.DACC_EXE;
if (!DACC) throw new Error('DACC_EXE names the dacc executable');
const here = dirname(fileURLToPath(import.meta.url));

// ---- the node ----

// dir: a directory whose data/ already holds a log (made by the caller).
export async function startNode(extra = [], dir = mkdtempSync(join(tmpdir(), 'dacc-web-'))) {
  const proc = spawn(DACC, ['serve', '--listen', '127.0.0.1:0', '--data', join(dir, 'data'),
                            '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dacc serve did not start: ' + log)), 10000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`dacc serve exited ${code}: ${log}`)));
  });
  return { url, dir, data: join(dir, 'data'), proc,
           // SIGTERM; the node must exit 0 (a sanitized node reports a leak
           // or an error through its status)
           stop: () => new Promise((resolve) => {
             proc.removeAllListeners('exit');
             proc.on('exit', (code, signal) => {
               rmSync(dir, { recursive: true, force: true });
               check('dacc serve stops cleanly', () =>
                 assert(code === 0, `dacc serve exited ${code} ${signal || ''}: ${log.slice(-2000)}`))
                 .then(resolve);
             });
             proc.kill('SIGTERM');
           }) };
}

// ---- keys and events ----

export async function keyOf(name) {
  const seed = createHash('sha256').update('dacc web test ' + name).digest();
  const k = await keyFromSeed(new Uint8Array(seed));
  return { ...k, hex: hex(k.pub), seedHex: hex(seed), seq: 0 };
}

export async function post(node, path, body) {
  const r = await fetch(node.url + path, { method: 'POST', body,
                                           headers: { 'Content-Type': 'application/json' } });
  return { status: r.status, doc: await r.json() };
}

// The key's next event of round, posted; its receipt (201 expected).
export async function act(node, key, round, type, body) {
  const env = await signEvent(key, { round, seq: ++key.seq, type, body });
  const r = await post(node, `/api/v1/rounds/${round}/events`, env);
  if (r.status !== 201) throw new Error(`${type}: ${r.status} ${JSON.stringify(r.doc)}`);
  return r.doc;
}

// A round's config by op, posted; the round id (SHA-256 of the payload).
export async function createRound(node, op, config) {
  op.seq = 1;
  const env = await signEvent(op, { seq: 1, type: 'round/config', body: config });
  const payload = canonical({ body: config, seq: 1, signer: op.hex, type: 'round/config' });
  const r = await post(node, '/api/v1/rounds', env);
  if (r.status !== 201) throw new Error(`config: ${r.status} ${JSON.stringify(r.doc)}`);
  return createHash('sha256').update(payload).digest('hex');
}

export async function getJSON(node, path) {
  const r = await fetch(node.url + path);
  return r.json();
}

// ---- the browser ----

export async function browser() {
  return puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
                            args: ['--no-sandbox', '--disable-dev-shm-usage',
                                   '--font-render-hinting=none'] });
}

// A page that fails the test on any request to another origin than the
// node's, and on any script error.
// noScripts: the page's own scripts are not loaded (the view without
// JavaScript), while the test may still evaluate axe in it.
export async function openPage(b, node, { js = true, width = 1280, height = 800,
                                         noScripts = false } = {}) {
  const page = await b.newPage();
  await page.setViewport({ width, height });
  await page.setJavaScriptEnabled(js);
  page.errors = [];
  if (noScripts) {
    await page.setRequestInterception(true);
    page.on('request', (req) => (/\/assets\/[0-9a-f]+\/js\//.test(req.url())
                                 ? req.abort() : req.continue()));
  }
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(node.url) && !u.startsWith('blob:') && !u.startsWith('data:'))
      page.errors.push('a request outside the node: ' + u);
  });
  return page;
}

export async function text(page, selector) {
  return page.$eval(selector, (e) => e.textContent.replace(/\s+/g, ' ').trim());
}

// Waits until selector's text matches re (10 s at most).
export async function waitText(page, selector, re, timeout = 10000) {
  await page.waitForFunction((s, src) => {
    const e = document.querySelector(s);
    return e && new RegExp(src).test(e.textContent);
  }, { timeout }, selector, re.source);
  return text(page, selector);
}

const axeSource = readFileSync(join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// axe-core's WCAG 2.x A and AA rules (2.2 included) on the page as it is;
// the violations, as lines. axe is evaluated through the DevTools
// protocol, which the page's Content-Security-Policy does not govern.
export async function axe(page) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
}

// Types into the element by focusing it with Tab presses only: the form
// works from the keyboard alone.
export async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector))
      return;
  }
  throw new Error(`${selector} cannot be reached with Tab`);
}

// ---- checks ----

const results = [];
export async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok - ${name} (${Date.now() - t} ms)`);
  } catch (err) {
    results.push([name, err]);
    console.log(`not ok - ${name}\n  ${String(err && err.stack || err).replace(/\n/g, '\n  ')}`);
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function done() {
  const failed = results.filter((r) => r[1]).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
