// The dashboard's shell: the key form, the header, routing by the URL's hash (#/ for the overview,
// #/contacts/<id> for a contact; the hash holds no secret), polling every minute, the live stream,
// and the error states (key refused, server unreachable, server failing).

import { get, loadKey, saveKey, clearKey, AuthError, UnreachableError } from './api.js';
import { openShiftStream } from './stream.js';
import { loadOverview, renderOverview, renderFeed } from './overview.js';
import { loadContact, renderContact } from './contact.js';
import * as f from './format.js';

const el = f.el;
const POLL_MS = 60_000;
const FEED_MAX = 50;

const app = {
  view: { dimension: 'message_id', event: '*' },
  contactState: { heatEvent: '*' },
  feed: [],
  feedIds: new Set(),
  streamState: 'connecting',
  stream: null,
  timer: null,
  refreshedAt: null,
  loading: false,
  again: false,
  seeded: false,
};

const root = document.getElementById('app');
const feedBox = el('div', { class: 'feed-box', id: 'feed' });

function route() {
  const m = location.hash.match(/^#\/contacts\/(.+)$/);
  return m ? { page: 'contact', id: decodeURIComponent(m[1]) } : { page: 'overview' };
}

// ---- the key form ----

function showKeyForm(message) {
  stop();
  // Nothing read with the previous key stays for the next one.
  app.feed = [];
  app.feedIds.clear();
  app.seeded = false;
  app.refreshedAt = null;
  document.body.classList.add('signed-out');
  const input = el('input', { id: 'key-input', type: 'password', name: 'key', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'sl_…' });
  const error = el('p', { class: 'form-error', id: 'key-error', role: 'alert' }, message || '');
  error.hidden = !message;
  const button = el('button', { type: 'submit', class: 'primary' }, 'Open dashboard');
  // method="post" and no action: even if this script failed, a submission could not put the key in a URL.
  const form = el('form', { class: 'key-form card', id: 'key-form', method: 'post', onsubmit: async e => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    error.hidden = true;
    try {
      await get('/v1/status', key);
      saveKey(key);
      start();
    } catch (err) {
      error.textContent = explain(err);
      error.hidden = false;
      button.disabled = false;
    }
  } },
  el('div', { class: 'brand big' }, logo(), 'Shiftlens'),
  el('h1', {}, 'Behavior-change dashboard'),
  el('label', { for: 'key-input' }, 'API key'),
  input,
  el('p', { class: 'hint' }, 'A key with the read scope. It is kept in this browser tab only (cleared when the tab closes) and sent in a header, never in a URL.'),
  error,
  button);
  document.getElementById('header').replaceChildren();
  root.replaceChildren(el('div', { class: 'center' }, form));
  input.focus();
}

function explain(err) {
  if (err instanceof AuthError) {
    return err.status === 403
      ? 'This key may not read (403: ' + err.message + '). Use a key with the read scope.'
      : 'The server does not know this key (401: ' + err.message + ').';
  }
  if (err instanceof UnreachableError) return 'The server does not answer. Is Shiftlens running at ' + location.origin + '?';
  return 'The server answered with an error: ' + err.message;
}

// ---- the signed-in page ----

function logo() {
  return el('img', { src: '/dashboard/favicon.svg', alt: '', class: 'logo', width: 22, height: 22 });
}

function header() {
  const search = el('form', { class: 'search', role: 'search', method: 'post', onsubmit: e => {
    e.preventDefault();
    const id = e.target.elements.contact.value.trim();
    if (id) location.hash = '#/contacts/' + encodeURIComponent(id);
  } },
  el('input', { name: 'contact', id: 'contact-search', type: 'search', placeholder: 'Contact id, e.g. c00042', 'aria-label': 'Find a contact by id', autocomplete: 'off' }),
  el('button', { type: 'submit' }, 'Find'));
  document.getElementById('header').replaceChildren(
    el('a', { class: 'brand', href: '#/' }, logo(), 'Shiftlens'),
    search,
    el('div', { class: 'refresh' },
      el('span', { id: 'refreshed', class: 'muted', 'aria-live': 'polite' }, 'Loading…'),
      el('button', { type: 'button', id: 'refresh-button', onclick: () => refresh(true), title: 'Read everything again now' }, '↻ Refresh'),
      el('button', { type: 'button', class: 'quiet', onclick: () => {
        clearKey();
        showKeyForm('Signed out. The key was removed from this tab.');
      } }, 'Sign out')));
}

function banner(kind, text, action) {
  const box = document.getElementById('banner');
  if (!kind) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.className = 'banner ' + kind;
  box.replaceChildren(el('span', {}, text), action || '');
}

function showRefreshed() {
  const s = document.getElementById('refreshed');
  if (s && app.refreshedAt) {
    s.replaceChildren('Updated ' + f.time(app.refreshedAt.toISOString()), el('span', { class: 'every' }, ' · every minute'));
    s.title = app.refreshedAt.toString();
  }
}

function onShift(send) {
  if (app.feedIds.has(send.send_id)) return;
  app.feedIds.add(send.send_id);
  app.feed.unshift({ send, live: true });
  if (app.feed.length > FEED_MAX) app.feedIds.delete(app.feed.pop().send.send_id);
  renderFeed(feedBox, app.feed, app.streamState);
}

/** Before the first live shift arrives, the feed shows the latest evaluated sends with a change. */
function seedFeed(recent) {
  if (app.seeded) return;
  app.seeded = true;
  const changed = recent.filter(s => (s.effects || []).some(e => e.verdict === 'up' || e.verdict === 'down'))
    .sort((a, b) => (b.evaluated_at || '').localeCompare(a.evaluated_at || ''))
    .slice(0, 12);
  for (const s of changed.reverse()) {
    if (app.feedIds.has(s.send_id)) continue;
    app.feedIds.add(s.send_id);
    app.feed.unshift({ send: s, live: false });
  }
  app.feed.sort((a, b) => (b.send.evaluated_at || '').localeCompare(a.send.evaluated_at || ''));
}

async function refresh(manual = false) {
  if (app.loading) {
    app.again = true; // e.g. the user moved to another page while a read was under way
    return;
  }
  app.loading = true;
  app.again = false;
  const r = route();
  document.body.dataset.page = r.page;
  if (manual && app.stream) app.stream.nudge();
  try {
    if (r.page === 'contact') {
      const data = await loadContact(r.id);
      if (route().page !== 'contact') return;
      const draw = state => {
        app.contactState = state;
        renderContact(root, data, state, draw);
      };
      draw(app.contactState);
      document.title = r.id + ' · Shiftlens';
    } else {
      const data = await loadOverview(app.view);
      if (route().page !== 'overview') return;
      seedFeed(data.recent);
      renderFeed(feedBox, app.feed, app.streamState);
      renderOverview(root, data, app.view, view => {
        app.view = view;
        refresh();
      }, feedBox);
      document.title = 'Shiftlens dashboard';
    }
    app.refreshedAt = new Date();
    showRefreshed();
    banner(null);
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (err instanceof AuthError) {
      clearKey();
      showKeyForm(explain(err) + ' Enter a key again.');
      return;
    }
    document.body.dataset.state = 'error';
    const since = app.refreshedAt ? ' Showing what was read at ' + f.time(app.refreshedAt.toISOString()) + '.' : '';
    const retry = el('button', { type: 'button', onclick: () => refresh(true) }, 'Retry now');
    if (err instanceof UnreachableError) {
      banner('error', 'Cannot reach the Shiftlens server at ' + location.origin + '.' + since + ' Trying again every minute.', retry);
    } else {
      banner('error', 'The server could not answer: ' + err.message + '.' + since + ' Trying again every minute.', retry);
    }
    if (!app.refreshedAt) {
      root.replaceChildren(el('section', { class: 'card empty-state', id: 'error-state' },
        el('div', { class: 'empty-icon', 'aria-hidden': 'true' }, '⚠'),
        el('h2', {}, err instanceof UnreachableError ? 'The server is unreachable' : 'The server could not answer'),
        el('p', {}, err.message)));
    }
  } finally {
    app.loading = false;
    if (app.again && loadKey()) refresh();
  }
}

function startStream() {
  app.streamState = 'connecting';
  app.stream = openShiftStream({
    key: loadKey(),
    onShift,
    onState: s => {
      app.streamState = s;
      renderFeed(feedBox, app.feed, app.streamState);
    },
    onAuth: err => {
      clearKey();
      showKeyForm(explain(err) + ' Enter a key again.');
    },
  });
}

function stop() {
  clearInterval(app.timer);
  app.timer = null;
  if (app.stream) app.stream.close();
  app.stream = null;
}

function start() {
  stop();
  document.body.classList.remove('signed-out');
  header();
  renderFeed(feedBox, app.feed, app.streamState);
  startStream();
  app.timer = setInterval(refresh, POLL_MS);
  refresh();
}

window.addEventListener('hashchange', () => {
  if (!loadKey()) return;
  window.scrollTo(0, 0);
  refresh();
});

if (loadKey()) start();
else showKeyForm();
