// The key page: make, import, show or forget the participant's key.

import { hex } from './event.js';
import { el, keyPanel, forgetKey } from './ui.js';

const host = document.getElementById('key-app');
const panel = el('div'), more = el('div');
host.replaceChildren(panel, more);

keyPanel(panel, (key) => {
  more.replaceChildren();
  if (!key) return;
  const secret = el('output', { id: 'secret', class: 'id' });
  more.append(
    el('p', {}, el('button', { type: 'button', id: 'show-secret', onclick: () => {
      secret.textContent = hex(key.seed);
    } }, 'Show my secret key'), ' ', secret),
    el('p', {}, el('button', { type: 'button', id: 'forget', onclick: () => {
      forgetKey();
      location.reload();
    } }, 'Forget this key in this browser')));
});
