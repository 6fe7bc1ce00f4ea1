// The overview: counts, lift per message (or channel, or label) with its intervals, sends and
// verdicts per day, and the live feed of shifts. Reads GET /v1/status, /v1/metrics/sends and
// /v1/sends; the feed's items come from app.js, which holds the stream.

import { get, query } from './api.js';
import { liftChart, dailyChart, shareChart } from './charts.js';
import * as f from './format.js';

const el = f.el;

/** Everything the overview shows, read in parallel. */
export async function loadOverview(view) {
  const event = view.event;
  const [status, groups, days, recent] = await Promise.all([
    get('/v1/status'),
    get('/v1/metrics/sends' + query({ group_by: view.dimension, event_name: event })),
    get('/v1/metrics/sends' + query({ group_by: 'day', event_name: event })),
    // Recent results name the label keys and event names there are to choose from, and seed the feed.
    get('/v1/sends' + query({ status: 'evaluated', limit: 200 })),
  ]);
  return { status, groups: groups.groups, days: days.groups, recent: recent.items };
}

/** The label keys and event names seen in recent sends, for the dimension tabs and the event menu. */
export function choices(recent) {
  const labels = new Set();
  const events = new Set();
  for (const s of recent) {
    Object.keys(s.labels || {}).forEach(k => labels.add(k));
    (s.effects || []).forEach(e => e.event_name !== '*' && events.add(e.event_name));
  }
  return { labelKeys: [...labels].sort(), eventNames: [...events].sort() };
}

function dimensionName(d) {
  if (d === 'message_id') return 'message';
  if (d === 'channel') return 'channel';
  return 'label “' + d.slice('label:'.length) + '”';
}

function eventName(e) {
  return e === '*' ? 'all events' : e;
}

/** Sums over the days: the overall lift and the shares of sends with an up or down verdict. */
function totals(days) {
  let observed = 0, expected = 0, treated = 0, ups = 0, downs = 0;
  for (const d of days) {
    observed += d.observed;
    expected += d.expected;
    const n = d.evaluated - d.evaluated_holdouts;
    treated += n;
    ups += (d.share_up || 0) * n;
    downs += (d.share_down || 0) * n;
  }
  return {
    lift: expected > 0 ? observed / expected : null,
    up: treated ? ups / treated : null,
    down: treated ? downs / treated : null,
  };
}

function tile(label, value, sub, title) {
  return el('div', { class: 'tile', title },
    el('div', { class: 'tile-label' }, label),
    el('div', { class: 'tile-value' }, value),
    sub ? el('div', { class: 'tile-sub' }, sub) : null);
}

function tiles(status, days, view) {
  const t = totals(days);
  return el('section', { class: 'tiles', 'aria-label': 'Totals' },
    tile('Contacts', f.compact(status.contacts), null, f.int(status.contacts) + ' contacts'),
    tile('Events', f.compact(status.events), 'distinct, all time', f.int(status.events) + ' events'),
    tile('Sends', f.compact(status.sends), f.int(status.pending_evaluations) + ' awaiting evaluation', f.int(status.sends) + ' sends'),
    tile('Evaluated sends', f.compact(status.evaluated_sends), 'windows closed and measured', f.int(status.evaluated_sends) + ' evaluated'),
    tile('Overall lift', f.lift(t.lift), t.lift == null ? 'nothing evaluated yet' : f.change(t.lift) + ' vs. baselines, ' + eventName(view.event),
      'Σ observed ÷ Σ expected over every evaluated send that is not a holdout'),
    tile('Sends with a verdict', t.up == null ? '–' : el('span', {}, el('span', { class: 'up-text' }, '▲ ' + f.pct(t.up)), ' ', el('span', { class: 'down-text' }, '▼ ' + f.pct(t.down))),
      'up / down, per send', 'Share of evaluated sends whose own test found more (up) or less (down) activity'));
}

/** The dimension tabs and the event menu; onChange(view) when the user picks another. */
function controls(view, choice, onChange) {
  const dims = [['message_id', 'Message'], ['channel', 'Channel'], ...choice.labelKeys.map(k => ['label:' + k, 'Label: ' + k])];
  const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Group by' },
    dims.map(([d, label]) => el('button', {
      type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(d === view.dimension), 'data-dimension': d,
      onclick: () => onChange({ ...view, dimension: d }),
    }, label)));
  const events = ['*', ...choice.eventNames.filter(e => e !== '*')];
  if (!events.includes(view.event)) events.push(view.event);
  const select = el('select', { id: 'event-select', 'aria-label': 'Event', onchange: e => onChange({ ...view, event: e.target.value }) },
    events.map(e => el('option', { value: e, selected: e === view.event }, e === '*' ? 'All events (weighted)' : e)));
  return el('div', { class: 'controls' }, tabs, el('label', { class: 'event-pick' }, 'Event ', select));
}

function legend() {
  const dot = (cls, text) => el('span', { class: 'key' }, el('i', { class: 'swatch ' + cls }), text);
  return el('div', { class: 'legend' },
    dot('up', 'Up: interval above 1'), dot('down', 'Down: interval below 1'), dot('unsure', 'Unsure: interval holds 1'),
    el('span', { class: 'key' }, el('i', { class: 'diamond' }), 'Against holdouts'));
}

function liftTable(groups, view) {
  const head = el('tr', {},
    el('th', { scope: 'col' }, dimensionName(view.dimension).replace(/^./, c => c.toUpperCase())),
    el('th', { scope: 'col', class: 'num hide-narrow' }, 'Sends'),
    el('th', { scope: 'col', class: 'num' }, 'Lift'),
    el('th', { scope: 'col', class: 'num hide-narrow' }, 'Always-valid 95%'),
    el('th', { scope: 'col', class: 'num' }, 'vs. holdouts'),
    el('th', { scope: 'col', class: 'num hide-narrow', title: 'Benjamini-Hochberg across the rows' }, 'q-value'),
    el('th', { scope: 'col', class: 'num hide-narrow' }, 'Up / down'),
    el('th', { scope: 'col' }, 'Verdict'));
  const rows = groups.map(g => {
    const adjusted = g.adjusted_lift != null;
    const v = adjusted ? f.verdict(g.adjusted_ci_low, g.adjusted_ci_high) : f.verdict(g.ci_low, g.ci_high);
    const srm = g.sample_ratio && g.sample_ratio.mismatch;
    return el('tr', { 'data-key': g.key ?? '' },
      el('th', { scope: 'row', class: 'key-cell' }, g.key ?? '(no label)',
        srm ? el('span', { class: 'warn', title: 'Sample-ratio mismatch: the holdout split is broken; do not trust the adjusted lift' }, ' ⚠') : null),
      el('td', { class: 'num hide-narrow', title: f.int(g.evaluated) + ' evaluated, ' + f.int(g.holdouts) + ' holdouts, ' + f.int(g.insufficient_history) + ' with too little history' }, f.int(g.sends)),
      el('td', { class: 'num lift ' + f.verdict(g.ci_low, g.ci_high) }, f.lift(g.lift), el('small', {}, ' ' + f.change(g.lift))),
      el('td', { class: 'num hide-narrow muted' }, f.interval(g.ci_low, g.ci_high)),
      el('td', { class: 'num', title: adjusted ? 'always-valid 95%: ' + f.interval(g.adjusted_ci_low, g.adjusted_ci_high) : 'no holdouts' },
        adjusted ? f.lift(g.adjusted_lift) : '–'),
      el('td', { class: 'num hide-narrow' }, f.qValue(g.q_value)),
      el('td', { class: 'num hide-narrow' }, el('span', { class: 'up-text' }, f.pct(g.share_up)), ' / ', el('span', { class: 'down-text' }, f.pct(g.share_down))),
      el('td', { title: adjusted ? 'judged by the interval against holdouts' : 'judged by the lift’s interval' }, f.pill(v)));
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'lift-table', id: 'lift-table' }, el('thead', {}, head), el('tbody', {}, rows)));
}

function card(title, subtitle, ...body) {
  return el('section', { class: 'card' },
    el('header', { class: 'card-head' }, el('h2', {}, title), subtitle ? el('p', { class: 'card-sub' }, subtitle) : null),
    ...body);
}

/** What the overview shows before any send has been evaluated. */
function emptyState(status) {
  const pending = status.pending_evaluations;
  return el('section', { class: 'card empty-state', id: 'empty-state' },
    el('div', { class: 'empty-icon', 'aria-hidden': 'true' }, '◔'),
    el('h2', {}, 'No evaluated sends yet'),
    el('p', {}, pending > 0
      ? f.int(pending) + (pending === 1 ? ' send is' : ' sends are') + ' waiting for their response window (and the grace period for late events) to close. '
        + 'Lifts appear here once they are evaluated.'
      : 'Nothing has been measured: send contacts, events and message sends to the ingestion API (POST /v1/contacts, /v1/events, /v1/sends). '
        + 'Each send is evaluated once its response window has closed.'),
    el('p', { class: 'muted' }, 'This page checks again every minute.'));
}

/**
 * Renders the overview into root. view: {dimension, event}; onView(view) re-reads with another
 * choice; feed: the element the live feed is drawn into (kept across refreshes).
 */
export function renderOverview(root, data, view, onView, feed) {
  const choice = choices(data.recent);
  const evaluated = data.status.evaluated_sends > 0;
  const main = [tiles(data.status, data.days, view)];
  const feedCard = card('Live shifts', 'Sends whose evaluation found a change, as it happens', feed);
  feedCard.classList.add('feed-card');
  if (!evaluated) {
    main.push(el('div', { class: 'grid' }, emptyState(data.status), feedCard));
    root.replaceChildren(...main);
    return;
  }
  const chart = el('div', { class: 'chart', id: 'lift-chart' });
  const liftCard = card('Lift by ' + dimensionName(view.dimension),
    'How much more (or less) contacts did after a send than their own baselines predicted, ' + eventName(view.event)
      + '. Intervals are always valid: safe to read at every refresh.',
    controls(view, choice, onView), legend(), chart, liftTable(data.groups, view));
  liftCard.classList.add('lift-card');
  liftCard.querySelector('.card-sub').id = 'lift-card-sub';
  const daily = el('div', { class: 'chart', id: 'daily-chart' });
  const shares = el('div', { class: 'chart', id: 'share-chart' });
  main.push(el('div', { class: 'grid' }, liftCard, feedCard));
  main.push(el('div', { class: 'grid halves' },
    card('Sends per day', 'By the day they were sent (UTC): sends with a result, and how many of them were evaluated', daily),
    card('Sends with a verdict', 'Share of each day’s evaluated sends whose own test found a change, ' + eventName(view.event), shares)));
  root.replaceChildren(...main);
  // Charts measure their containers, so they are drawn once these are in the page.
  if (data.groups.length) liftChart(chart, data.groups, eventName(view.event));
  else chart.replaceChildren(el('p', { class: 'muted pad' }, 'No evaluated sends for ' + eventName(view.event) + '.'));
  if (data.days.length) {
    dailyChart(daily, data.days);
    shareChart(shares, data.days);
  }
}

/** The live feed's list: newest first. */
export function renderFeed(list, items, streamState) {
  const state = { live: ['live', 'Live'], reconnecting: ['reconnecting', 'Reconnecting…'], closed: ['closed', 'Offline'], connecting: ['reconnecting', 'Connecting…'] }[streamState] || ['closed', 'Offline'];
  const header = el('div', { class: 'feed-state ' + state[0], id: 'feed-state' }, el('i', { class: 'dot' }), state[1]);
  const body = items.length
    ? el('ol', { class: 'feed', id: 'feed-list' }, items.map(feedItem))
    : el('p', { class: 'muted feed-empty' }, 'Waiting for shifts: a send shows up here the moment its evaluation finds a change.');
  list.replaceChildren(header, body);
}

function feedItem({ send, live }) {
  const changed = (send.effects || []).filter(e => e.verdict === 'up' || e.verdict === 'down');
  const main = changed.find(e => e.event_name === '*') || changed[0];
  const v = main ? main.verdict : 'none';
  return el('li', { class: 'feed-item' + (live ? ' fresh' : ''), 'data-send-id': send.send_id },
    el('div', { class: 'feed-top' },
      f.pill(v, v === 'up' ? '▲ Up' : v === 'down' ? '▼ Down' : 'No change'),
      el('span', { class: 'feed-msg' }, send.message_id, el('span', { class: 'muted' }, ' · ' + send.channel)),
      el('time', { class: 'muted', datetime: send.evaluated_at, title: 'evaluated at ' + f.dateTime(send.evaluated_at) }, f.time(send.evaluated_at))),
    el('div', { class: 'feed-detail' },
      el('a', { href: '#/contacts/' + encodeURIComponent(send.contact_id) }, send.contact_id),
      changed.map(e => el('span', { class: 'chip ' + e.verdict, title: 'observed ' + e.observed + ', expected ' + e.expected.toFixed(2) },
        (e.event_name === '*' ? 'all events' : e.event_name) + ' ' + f.lift(e.rate_ratio)))));
}
