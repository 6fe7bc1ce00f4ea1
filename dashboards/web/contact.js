// One contact: its usual activity by hour of the week (a 7 × 24 heat map in the contact's own local
// time), its recent sends with their effects, and its preferences with their recommendation. Reads
// GET /v1/contacts/{id}, /baseline, /shifts and /preferences.

import { get, query } from './api.js';
import * as f from './format.js';

const el = f.el;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export async function loadContact(id) {
  const base = '/v1/contacts/' + encodeURIComponent(id);
  const [contact, baseline, shifts, preferences] = await Promise.all([
    get(base), get(base + '/baseline'), get(base + '/shifts' + query({ limit: 20 })), get(base + '/preferences'),
  ]);
  return { id, contact, baseline, shifts: shifts ? shifts.items : [], preferences };
}

/** The expected events per hour of the week: one event name's, or the sum of all of them. */
function hours(baseline, event) {
  const sum = new Array(168).fill(0);
  for (const e of baseline.events) {
    if (event !== '*' && e.event_name !== event) continue;
    e.hour_of_week.forEach((v, i) => (sum[i] += v));
  }
  return sum;
}

/** From a pale to a deep indigo as the value goes from 0 to max. */
function shade(value, max) {
  const t = max > 0 ? Math.sqrt(value / max) : 0;
  const from = [241, 244, 255];
  const to = [55, 48, 163];
  const c = from.map((a, i) => Math.round(a + (to[i] - a) * t));
  return 'rgb(' + c.join(',') + ')';
}

function heatMap(baseline, event) {
  const values = hours(baseline, event);
  const max = Math.max(...values);
  const what = event === '*' ? 'events' : event;
  const grid = el('div', { class: 'heat', id: 'heatmap', role: 'img', 'aria-label': 'Expected ' + what + ' per hour of the week' });
  grid.append(el('span', { class: 'heat-corner' }));
  for (let h = 0; h < 24; h++) grid.append(el('span', { class: 'heat-hour' + (h % 3 ? ' minor' : '') }, String(h)));
  for (let d = 0; d < 7; d++) {
    grid.append(el('span', { class: 'heat-day' }, DAYS[d]));
    for (let h = 0; h < 24; h++) {
      const v = values[d * 24 + h];
      const cell = el('span', {
        class: 'heat-cell', 'data-value': v.toFixed(4),
        title: DAYS[d] + ' ' + String(h).padStart(2, '0') + ':00–' + String(h + 1).padStart(2, '0') + ':00: ' + v.toFixed(2) + ' expected ' + what,
      });
      cell.style.backgroundColor = shade(v, max);
      grid.append(cell);
    }
  }
  const scale = el('div', { class: 'heat-scale' }, el('span', {}, '0'), el('i', { class: 'heat-gradient' }), el('span', {}, max.toFixed(2) + ' per hour'));
  return el('div', {}, el('div', { class: 'heat-wrap' }, grid), scale);
}

function baselineCard(data, event, onEvent) {
  const b = data.baseline;
  if (!b || !b.events.length) {
    return section('Usual activity', null, el('p', { class: 'muted' }, 'No events in the 28 days before now: this contact has no baseline yet.'));
  }
  const names = b.events.map(e => e.event_name);
  if (!names.includes(event)) event = '*'; // an event of the contact seen before
  const select = el('select', { id: 'heat-event', 'aria-label': 'Event', onchange: e => onEvent(e.target.value) },
    ['*', ...names].map(n => el('option', { value: n, selected: n === event }, n === '*' ? 'All events' : n)));
  const rates = el('table', { class: 'rates' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Event'), el('th', { scope: 'col', class: 'num' }, 'Per day'),
      el('th', { scope: 'col', class: 'num hide-narrow' }, '28-day count'), el('th', { scope: 'col', class: 'num' }, 'Last seen'))),
    el('tbody', {}, b.events.map(e => el('tr', {},
      el('th', { scope: 'row' }, e.event_name),
      el('td', { class: 'num', title: 'shrunk toward the population: ' + e.shrunk_rate_per_day.toFixed(2) }, e.rate_per_day.toFixed(2)),
      el('td', { class: 'num hide-narrow' }, f.int(e.count_28d)),
      el('td', { class: 'num' }, f.dateTime(e.last_seen))))));
  return section('Usual activity by hour of the week',
    'Expected events per hour in the contact’s local time (' + (b.timezone || 'UTC') + '), from the 28 days before now, send windows left out',
    el('label', { class: 'event-pick' }, 'Event ', select), heatMap(b, event), rates);
}

function effectChips(send) {
  return (send.effects || []).filter(e => e.event_name !== '*').map(e =>
    el('span', { class: 'chip ' + e.verdict, title: 'observed ' + e.observed + ', expected ' + e.expected.toFixed(2) + ', p = ' + e.p_value.toFixed(3) },
      e.event_name + ' ' + f.lift(e.rate_ratio)));
}

function result(send) {
  if (send.status === 'pending') return el('span', { class: 'muted' }, 'window closes ' + f.dateTime(send.window_end));
  if (send.status === 'insufficient_history') return el('span', { class: 'muted' }, 'too little history');
  const all = (send.effects || []).find(e => e.event_name === '*');
  if (!all) return el('span', { class: 'muted' }, 'no events expected');
  return el('span', { class: 'result' }, f.pill(all.verdict === 'none' ? 'unsure' : all.verdict, f.lift(all.rate_ratio)),
    el('small', { class: 'muted' }, ' ' + f.interval(all.ci_low, all.ci_high)));
}

function sendsCard(data) {
  if (!data.shifts.length) return section('Recent sends', null, el('p', { class: 'muted' }, 'No sends to this contact yet.'));
  return section('Recent sends', 'Newest first; the result is all events together (observed ÷ expected, 95% interval), then each event',
    el('div', { class: 'table-wrap' }, el('table', { class: 'sends', id: 'contact-sends' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Sent'), el('th', { scope: 'col' }, 'Message'),
        el('th', { scope: 'col', class: 'hide-narrow' }, 'Channel'), el('th', { scope: 'col' }, 'All events'), el('th', { scope: 'col' }, 'By event'))),
      el('tbody', {}, data.shifts.map(s => el('tr', { 'data-send-id': s.send_id },
        el('td', { class: 'nowrap' }, f.dateTime(s.sent_at)),
        el('td', {}, s.message_id, s.holdout ? el('span', { class: 'tag', title: 'chosen for this message and deliberately not sent it' }, 'holdout') : null),
        el('td', { class: 'hide-narrow' }, s.channel),
        el('td', {}, result(s)),
        el('td', { class: 'chips' }, effectChips(s))))))));
}

function dimensionTitle(d) {
  if (d === 'send_slot') return 'Send slot (local)';
  if (d === 'channel') return 'Channel';
  return 'Label: ' + d.slice('label:'.length);
}

function preferencesCard(p) {
  if (!p) return section('Preferences', null, el('p', { class: 'muted' }, 'No preferences yet.'));
  const rec = p.recommendation || {};
  const recs = el('div', { class: 'recommendation', id: 'recommendation' }, el('span', { class: 'muted' }, 'Next send: '),
    Object.entries(rec).map(([d, v]) => el('span', { class: 'chip rec' }, dimensionTitle(d).replace(/ \(local\)/, '') + ': ', el('b', {}, v))));
  const dims = Object.entries(p.dimensions || {}).map(([d, values]) => {
    const top = [...values].sort((a, b) => b.prob_best - a.prob_best).slice(0, 5);
    return el('div', { class: 'pref' }, el('h3', {}, dimensionTitle(d)),
      el('table', { class: 'pref-table' }, el('tbody', {}, top.map(v => {
        const bar = el('i', { class: 'bar' });
        bar.style.width = Math.round(v.prob_best * 100) + '%';
        return el('tr', { class: v.value === rec[d] ? 'recommended' : null },
          el('th', { scope: 'row' }, v.value),
          el('td', { class: 'num', title: v.sends + ' sends; prior lift ' + f.lift(v.prior_lift) }, f.lift(v.lift)),
          el('td', { class: 'prob', title: 'chance of being the best ' + dimensionTitle(d).toLowerCase() }, el('span', { class: 'bar-track' }, bar), f.pct(v.prob_best, 0)));
      }))));
  });
  return section('Preferences', 'Lift this contact is expected to show per value (its own sends, shrunk toward everyone’s), and the chance each value is best; '
    + 'the next send is drawn by Thompson sampling, so it also explores', recs, el('div', { class: 'prefs' }, dims));
}

function section(title, subtitle, ...body) {
  return el('section', { class: 'card' },
    el('header', { class: 'card-head' }, el('h2', {}, title), subtitle ? el('p', { class: 'card-sub' }, subtitle) : null), ...body);
}

/** Renders the contact's page into root; state.heatEvent is the heat map's event ('*' for all). */
export function renderContact(root, data, state, onState) {
  const c = data.contact;
  if (!c && !data.baseline && !data.shifts.length) {
    root.replaceChildren(el('section', { class: 'card empty-state', id: 'contact-missing' },
      el('h2', {}, 'No contact “' + data.id + '”'),
      el('p', { class: 'muted' }, 'The server knows no contact, event or send with this id. Contact ids are case-sensitive.'),
      el('p', {}, el('a', { href: '#/' }, '← Back to the overview'))));
    return;
  }
  const facts = [];
  if (c) {
    facts.push(['Country', c.country]);
    if (c.timezone) facts.push(['Time zone', c.timezone]);
    const reach = [c.push_token && 'push', c.phone_number && 'sms', c.email_address && 'email'].filter(Boolean);
    facts.push(['Reachable by', reach.length ? reach.join(', ') : '–']);
    for (const [k, v] of Object.entries(c.properties || {})) facts.push([k, String(v)]);
  }
  const head = el('section', { class: 'card contact-head' },
    el('p', { class: 'crumbs' }, el('a', { href: '#/' }, '← Overview')),
    el('h1', { id: 'contact-title' }, data.id),
    facts.length ? el('dl', { class: 'facts' }, facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))))
      : el('p', { class: 'muted' }, 'Not in the contacts table: known from its events and sends only.'));
  root.replaceChildren(head,
    el('div', { class: 'grid' }, baselineCard(data, state.heatEvent, e => onState({ ...state, heatEvent: e })), preferencesCard(data.preferences)),
    sendsCard(data));
}
