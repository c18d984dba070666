// A round's page: the participant's forms for its mechanism (a juror's
// questions, a donation, a trade with its exact quote, a rating), each
// event signed here with the participant's key, and its receipt. What the
// page shows otherwise is the node's rendering, refreshed after each event.

import { hex } from './event.js';
import { el, getJSON, keyPanel, postEvent, showReceipt, refreshResults, toUnits,
         fromUnits } from './ui.js';

const main = document.getElementById('main');
const round = main.dataset.round;
const host = document.getElementById('participate');

function decimals() {
  const d = document.querySelector('#results[data-decimals]');
  return d ? Number(d.dataset.decimals) : 0;
}

// A form's outcome line, read by screen readers as it changes.
function status() {
  return el('p', { role: 'status', class: 'status', 'aria-live': 'polite' });
}

async function act(key, type, body, what, msg, receipts) {
  msg.textContent = 'Signing and sending…';
  msg.className = 'status';
  try {
    const receipt = await postEvent(key, round, type, body);
    msg.textContent = `Logged as entry ${receipt.index}.`;
    msg.className = 'status good';
    await showReceipt(receipts, receipt, what);
    await refreshResults();
    return receipt;
  } catch (err) {
    msg.textContent = 'Refused: ' + err.message;
    msg.className = 'status bad';
    return null;
  }
}

// ---- deep funding: a juror's drawn questions ----

function questionForm(key, q, max, list, receipts, reload) {
  const k = q.question, msg = status();
  const name = (p) => el('span', { class: 'project' }, p);
  const form = el('form', { class: 'question', 'data-question': k, onsubmit: async (e) => {
    e.preventDefault();
    const choice = Number(form.querySelector(`input[name=choice-${k}]:checked`).value);
    const m = form.querySelector(`#q${k}-m`).value.trim();
    const why = form.querySelector(`#q${k}-r`).value.trim();
    const body = { question: k, choice, multiplier: m };
    if (why) body.reason = why;
    if (await act(key, 'deepfund/answer', body,
                  `your answer to question ${k}`, msg, receipts))
      await reload();
  } },
  el('fieldset', {},
     el('legend', {}, `Question ${k}: which contributed more to `, name(q.parent), '?'),
     el('div', { class: 'choice' },
        el('input', { type: 'radio', name: `choice-${k}`, id: `q${k}-a`, value: '1', required: true }),
        el('label', { for: `q${k}-a` }, name(q.a))),
     el('div', { class: 'choice' },
        el('input', { type: 'radio', name: `choice-${k}`, id: `q${k}-b`, value: '2' }),
        el('label', { for: `q${k}-b` }, name(q.b)))),
  el('label', { for: `q${k}-m` }, `How many times more? (1 to ${max})`),
  el('input', { id: `q${k}-m`, type: 'number', min: '1', max: String(max), step: 'any',
                value: '2', required: true, inputmode: 'decimal' }),
  el('label', { for: `q${k}-r` }, 'Why? (optional; logged with your answer, for anyone to read)'),
  el('textarea', { id: `q${k}-r`, maxlength: '600', rows: '2' }),
  el('button', { type: 'submit' }, 'Sign and send the answer'), msg);
  list.append(form);
}

async function juror(key, forms, receipts) {
  async function reload() {
    forms.replaceChildren();
    const q = await getJSON(`/api/v1/rounds/${round}/questions?key=${hex(key.pub)}`);
    if (!q.drawn) {
      forms.append(el('p', {}, `No questions for you now: ${q.why}.`));
      return;
    }
    forms.append(el('p', { id: 'asked' }, `You were asked ${q.asked} questions and have ` +
                                          `answered ${q.answered}.`));
    if (q.questions.length === 0) forms.append(el('p', {}, 'Nothing left to answer. Thank you.'));
    for (const one of q.questions) questionForm(key, one, 999, forms, receipts, reload);
  }
  await reload();
}

// ---- quadratic funding: a donation ----

function donor(key, forms, receipts) {
  const projects = [...document.querySelectorAll('#projects tbody tr td:first-child')]
    .map((td) => td.textContent);
  const list = el('datalist', { id: 'project-list' }, projects.map((p) => el('option', { value: p })));
  const d = decimals(), msg = status();
  const form = el('form', { id: 'donate', onsubmit: async (e) => {
    e.preventDefault();
    let amount;
    try {
      amount = toUnits(form.querySelector('#d-amount').value, d);
    } catch (err) {
      msg.textContent = err.message;
      msg.className = 'status bad';
      return;
    }
    const project = form.querySelector('#d-project').value.trim();
    await act(key, 'pgf/donation', { amount, project }, `your donation to ${project}`, msg,
              receipts);
  } },
  el('label', { for: 'd-project' }, 'Project'),
  el('input', { id: 'd-project', list: 'project-list', required: true, autocomplete: 'off' }), list,
  el('label', { for: 'd-amount' }, `Amount (up to ${d} decimals)`),
  el('input', { id: 'd-amount', required: true, inputmode: 'decimal', autocomplete: 'off' }),
  el('button', { type: 'submit' }, 'Sign and donate'), msg);
  forms.append(form);
}

// ---- markets: a trade, quoted first ----

function balanceOf(key) {
  const row = document.querySelector(`#accounts tr[data-account="${hex(key.pub)}"] td.num`);
  return row ? row.textContent : null;
}

// A resolved market pays its shares to whoever redeems them.
function redeemer(key, forms, receipts, market) {
  const msg = status();
  forms.append(el('form', { class: 'redeem', onsubmit: async (e) => {
    e.preventDefault();
    await act(key, 'market/redeem', { market }, `your redemption in ${market}`, msg, receipts);
    const p = document.getElementById('position');
    if (p) p.dispatchEvent(new Event('refresh'));
  } }, el('p', {}, `Market ${market} is resolved: redeem your shares for their payout.`),
  el('button', { type: 'submit' }, `Sign and redeem in ${market}`), msg));
}

function trader(key, forms, receipts) {
  const all = [...document.querySelectorAll('table.prices')];
  const markets = all.filter((t) => t.dataset.resolved !== '1');
  const d = decimals(), msg = status(), quote = el('output', { id: 't-quote', 'aria-live': 'polite' });
  const position = el('p', { id: 'position' });
  // the shares from the node's view of this key, the money as the page shows it
  const showPosition = async () => {
    const b = balanceOf(key);
    if (b === null) {
      position.textContent = 'You have no account in these markets yet (the operator ' +
                             'deposits money into accounts).';
      return;
    }
    let held = '';
    try {
      const me = await getJSON(`/api/v1/rounds/${round}/participant?key=${hex(key.pub)}`);
      const list = (me.state && me.state.positions) || [];
      held = list.length ? 'Your shares: ' + list.map((p) =>
        `${p.market} outcome ${p.outcome}: ${p.shares}`).join('; ') + '. '
                         : 'You hold no shares. ';
    } catch (err) {
      held = '';
    }
    position.textContent = `${held}Your money: ${b}.`;
  };
  let quoted = null;
  const sel = (id) => form.querySelector('#' + id);
  const outcomes = () => {
    const t = markets.find((m) => m.dataset.market === sel('t-market').value);
    sel('t-outcome').replaceChildren(...[...t.querySelectorAll('tbody tr')].map((tr, i) =>
      el('option', { value: String(i) }, tr.cells[0].textContent)));
  };
  const args = () => ({ market: sel('t-market').value, outcome: Number(sel('t-outcome').value),
                        side: form.querySelector('input[name=side]:checked').value,
                        shares: sel('t-shares').value.trim() });
  // a quote, once the trade it priced is done or edited, no longer says
  // what signing would cost
  const invalidate = () => {
    quoted = null;
    sel('t-sign').disabled = true;
    quote.textContent = '';
  };
  const edited = () => {
    invalidate();
    msg.textContent = '';
    msg.className = 'status';
  };
  const form = el('form', { id: 'trade', oninput: edited, onsubmit: async (e) => {
    e.preventDefault();
    if (!quoted) return;
    const { market, outcome, side, shares } = quoted.args;
    const limit = side === 'buy' ? quoted.q.cost : quoted.q.proceeds;
    if (await act(key, `market/${side}`, { limit, market, outcome, shares },
                  `your trade in ${market}`, msg, receipts)) {
      invalidate();
      showPosition();
    }
  } },
  el('label', { for: 't-market' }, 'Market'),
  el('select', { id: 't-market', onchange: outcomes },
     markets.map((m) => el('option', { value: m.dataset.market }, m.dataset.market))),
  el('label', { for: 't-outcome' }, 'Outcome'), el('select', { id: 't-outcome' }),
  el('fieldset', {}, el('legend', {}, 'Side'),
     el('div', { class: 'choice' }, el('input', { type: 'radio', name: 'side', id: 't-buy',
                                                 value: 'buy', checked: true }),
        el('label', { for: 't-buy' }, 'Buy')),
     el('div', { class: 'choice' }, el('input', { type: 'radio', name: 'side', id: 't-sell',
                                                 value: 'sell' }),
        el('label', { for: 't-sell' }, 'Sell'))),
  el('label', { for: 't-shares' }, 'Shares'),
  el('input', { id: 't-shares', required: true, inputmode: 'numeric', pattern: '[1-9][0-9]*',
                autocomplete: 'off' }),
  el('button', { type: 'button', id: 't-preview', onclick: async () => {
    const a = args();
    try {
      const q = await getJSON(`/api/v1/rounds/${round}/quote?market=${encodeURIComponent(a.market)}` +
                              `&outcome=${a.outcome}&${a.side}=${encodeURIComponent(a.shares)}`);
      const money = a.side === 'buy' ? q.cost : q.proceeds;
      quote.textContent = `${a.side === 'buy' ? 'Buying' : 'Selling'} ${q.shares} shares of ` +
        `outcome ${a.outcome} ${a.side === 'buy' ? 'costs' : 'pays'} exactly ` +
        `${fromUnits(money, d)}; its price moves from ${q.prices[a.outcome].toFixed(4)} to ` +
        `${q.prices_after[a.outcome].toFixed(4)}. The trade is signed with this as its limit.`;
      quoted = { args: a, q };
      sel('t-sign').disabled = false;
    } catch (err) {
      quote.textContent = 'No quote: ' + err.message;
      invalidate();
    }
  } }, 'Preview the exact cost'),
  quote,
  el('button', { type: 'submit', id: 't-sign', disabled: true }, 'Sign and trade'), msg);
  position.addEventListener('refresh', showPosition);
  forms.append(position);
  for (const t of all.filter((t) => t.dataset.resolved === '1'))
    redeemer(key, forms, receipts, t.dataset.market);
  if (markets.length) {
    forms.append(form);
    outcomes();
  }
  showPosition();
}

// ---- notes: a rating ----

function rater(key, forms, receipts) {
  const note = decodeURIComponent(location.pathname.split('/notes/')[1] || '');
  const msg = status();
  const levels = [['HELPFUL', 'Helpful'], ['SOMEWHAT_HELPFUL', 'Somewhat helpful'],
                  ['NOT_HELPFUL', 'Not helpful']];
  const form = el('form', { id: 'rate', onsubmit: async (e) => {
    e.preventDefault();
    const helpfulness = form.querySelector('input[name=helpfulness]:checked').value;
    await act(key, 'notes/rating', { helpfulness, note }, `your rating of note ${note}`, msg,
              receipts);
  } },
  el('fieldset', {}, el('legend', {}, `Is note ${note} helpful?`),
     levels.map(([v, label], i) => el('div', { class: 'choice' },
       el('input', { type: 'radio', name: 'helpfulness', id: `r-${v}`, value: v,
                     required: i === 0 }),
       el('label', { for: `r-${v}` }, label)))),
  el('button', { type: 'submit' }, 'Sign and rate'), msg);
  forms.append(form);
}

// ---- the soft pause: a countdown ----

function countdown() {
  const p = document.getElementById('countdown');
  if (!p) return;
  const end = Number(p.dataset.notAfter) * 1000;
  const out = el('span', { class: 'left' });
  p.append(' ', out);
  const tick = () => {
    const s = Math.floor((end - Date.now()) / 1000);
    if (s <= 0) {
      out.textContent = 'That time has passed: devices without a newer heartbeat have halted.';
      return;
    }
    const dd = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600),
          mm = Math.floor((s % 3600) / 60), ss = s % 60;
    out.textContent = `That is in ${dd} d ${hh} h ${mm} min ${ss} s.`;
    setTimeout(tick, 1000);
  };
  tick();
}

const parts = { deepfund: juror, pgf: donor, market: trader, rating: rater };

async function start() {
  countdown();
  if (!host || !parts[host.dataset.action]) return;
  const panel = el('div', { class: 'key-panel' }), forms = el('div', { class: 'forms' });
  const receipts = el('div', { class: 'receipts', 'aria-live': 'polite' });
  host.replaceChildren(panel, forms, receipts);
  await keyPanel(panel, async (key) => {
    forms.replaceChildren();
    if (key) await parts[host.dataset.action](key, forms, receipts);
  });
}

start().catch((err) => {
  host && host.append(el('p', { class: 'bad' }, 'This page could not start: ' + err.message));
});
