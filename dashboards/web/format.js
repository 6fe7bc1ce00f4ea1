// Number and time formats shared by the dashboard's views, and the reading of an interval as a verdict.

const INT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const COMPACT = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function int(n) {
  return n == null ? '–' : INT.format(n);
}

/** Large counts in tiles: 1.2M rather than 1,204,311 (the exact figure goes in the tile's title). */
export function compact(n) {
  return n == null ? '–' : n < 10000 ? INT.format(n) : COMPACT.format(n);
}

/** A lift is a ratio: 1.23× means 23% more than the baseline predicted. */
export function lift(x) {
  return x == null || !Number.isFinite(x) ? '–' : x.toFixed(2) + '×';
}

/** A lift as a change: +23%, −8%. */
export function change(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  const pct = (x - 1) * 100;
  const sign = pct > 0.05 ? '+' : pct < -0.05 ? '−' : '±';
  return sign + Math.abs(pct).toFixed(Math.abs(pct) < 10 ? 1 : 0) + '%';
}

export function interval(low, high) {
  if (low == null) return 'not yet bounded';
  return lift(low) + ' – ' + (high == null ? '∞' : lift(high));
}

export function pct(x, digits = 1) {
  return x == null || !Number.isFinite(x) ? '–' : (x * 100).toFixed(digits) + '%';
}

export function qValue(q) {
  if (q == null) return '–';
  return q < 0.001 ? '< 0.001' : q.toFixed(3);
}

/**
 * Where an interval of a lift lies: above 1 is "up", below 1 is "down", one that holds 1 (or is not
 * bounded yet) is "unsure".
 */
export function verdict(low, high) {
  if (low != null && low > 1) return 'up';
  if (high != null && high < 1) return 'down';
  return 'unsure';
}

export const VERDICT_LABEL = { up: 'Up', down: 'Down', unsure: 'Unsure', none: 'No change' };

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A time of the API (RFC 3339, UTC) in the reader's own time zone. */
export function time(iso) {
  return iso ? TIME.format(new Date(iso)) : '–';
}

export function dateTime(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : '–';
}

/** Builds an element: el('td', {class: 'num', title: '…'}, 'text', child, …). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A coloured label for a verdict. */
export function pill(v, text) {
  return el('span', { class: 'pill ' + v }, text ?? VERDICT_LABEL[v] ?? v);
}
