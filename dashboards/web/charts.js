// The dashboard's charts, drawn by uPlot (loaded as the global uPlot by index.html). Each chart fills
// the width of its container and follows it when the window is resized. The uPlot instance is kept
// on the container (container.uplot), where the browser test finds it.

import * as f from './format.js';

export const COLORS = {
  up: '#15803d',
  down: '#dc2626',
  unsure: '#64748b',
  adjusted: '#4338ca',
  sends: '#c7d2fe',
  evaluated: '#4f46e5',
  grid: '#eef0f5',
  axis: '#475467',
  reference: '#98a2b3',
};
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';

/** Replaces the chart in container (if any) by a new one, sized to the container and kept so on resize. */
function mount(container, makeOpts, data, height) {
  if (container.uplot) container.uplot.destroy();
  if (container.resizer) container.resizer.disconnect();
  container.replaceChildren();
  const width = Math.max(280, container.clientWidth);
  const u = new uPlot({ ...makeOpts(width), width, height }, data, container);
  container.uplot = u;
  container.resizer = new ResizeObserver(() => {
    const w = Math.max(280, container.clientWidth);
    if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height });
  });
  container.resizer.observe(container);
  return u;
}

/** A tooltip that follows uPlot's cursor over the plot area; html(idx) gives its content. */
function tooltip(content) {
  let tip;
  return {
    hooks: {
      init: [u => {
        tip = f.el('div', { class: 'chart-tip', role: 'tooltip' });
        tip.hidden = true;
        u.over.append(tip);
      }],
      setCursor: [u => {
        const idx = u.cursor.idx;
        if (idx == null || u.cursor.left < 0) {
          tip.hidden = true;
          return;
        }
        tip.replaceChildren(...content(idx));
        tip.hidden = false;
        const overW = u.over.clientWidth;
        const left = u.cursor.left + 14;
        tip.style.left = (left + tip.offsetWidth > overW ? Math.max(0, u.cursor.left - tip.offsetWidth - 14) : left) + 'px';
        tip.style.top = Math.max(0, u.cursor.top - 10) + 'px';
      }],
    },
  };
}

function bounds(values) {
  const finite = values.filter(v => v != null && Number.isFinite(v));
  return [Math.min(...finite), Math.max(...finite)];
}

/**
 * Lift per group as a forest plot: one row per group, a bar from 1 to the lift, the always-valid
 * interval as a whisker (an arrow where it is not bounded above yet), and below it, where the group
 * has holdouts, the holdout-adjusted lift as a diamond with its own interval. Colours say where each
 * interval lies: up (above 1), down (below 1), unsure.
 */
export function liftChart(container, groups, dimensionLabel) {
  const n = groups.length;
  const labels = groups.map(g => (g.key == null ? '(no label)' : String(g.key)));
  const rowHeight = groups.some(g => g.adjusted_lift != null) ? 44 : 34;
  const height = Math.max(140, n * rowHeight + 48);
  let [lo, hi] = bounds(groups.flatMap(g => [g.lift, g.ci_low, g.ci_high, g.adjusted_lift, g.adjusted_ci_low, g.adjusted_ci_high, 1]));
  // Very wide intervals of tiny groups would flatten every other row: past 4× the lift axis stops, with arrows.
  lo = Math.max(0, Math.min(lo, 0.9));
  hi = Math.min(Math.max(hi, 1.1), 4);
  const pad = (hi - lo) * 0.06;
  const range = [Math.max(0, lo - pad), hi + pad];
  const data = [groups.map((_, i) => i), groups.map(g => g.lift)];
  const labelWidth = Math.min(container.clientWidth * 0.38, 16 + 7.2 * Math.max(...labels.map(l => l.length), 4));

  const draw = u => {
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    const { left, top, width, height: h } = u.bbox;
    const x = v => u.valToPos(Math.min(Math.max(v, range[0]), range[1]), 'y', true);
    // A lift beyond the axis sits at its end, whole, with its whisker's arrow.
    const dotX = v => Math.min(x(v), left + width - 6 * px);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, h);
    ctx.clip();
    // The reference: a lift of 1 is "as the baseline predicted".
    ctx.strokeStyle = COLORS.reference;
    ctx.lineWidth = px;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.beginPath();
    ctx.moveTo(x(1), top);
    ctx.lineTo(x(1), top + h);
    ctx.stroke();
    ctx.setLineDash([]);
    groups.forEach((g, i) => {
      const y = u.valToPos(i, 'x', true);
      const both = g.adjusted_lift != null;
      if (g.lift != null) {
        const color = COLORS[f.verdict(g.ci_low, g.ci_high)];
        const yy = both ? y - 7 * px : y;
        ctx.fillStyle = color + '38';
        const x0 = Math.min(x(1), x(g.lift));
        ctx.fillRect(x0, yy - 7 * px, Math.max(px, Math.abs(x(g.lift) - x(1))), 14 * px);
        whisker(ctx, x, yy, g.ci_low, g.ci_high, color, px, range);
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(dotX(g.lift), yy, 5 * px, 0, 2 * Math.PI);
        ctx.fill();
      }
      if (both) {
        const color = COLORS[f.verdict(g.adjusted_ci_low, g.adjusted_ci_high)];
        const yy = y + 9 * px;
        whisker(ctx, x, yy, g.adjusted_ci_low, g.adjusted_ci_high, color, px, range, [3 * px, 2 * px]);
        const cx = dotX(g.adjusted_lift);
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.moveTo(cx, yy - 6 * px);
        ctx.lineTo(cx + 6 * px, yy);
        ctx.lineTo(cx, yy + 6 * px);
        ctx.lineTo(cx - 6 * px, yy);
        ctx.closePath();
        ctx.fill();
      }
    });
    ctx.restore();
  };

  const tip = tooltip(i => {
    const g = groups[i];
    const rows = [
      f.el('strong', {}, labels[i]),
      f.el('div', {}, f.int(g.evaluated), ' evaluated of ', f.int(g.sends), ' sends'),
      f.el('div', {}, 'Lift ', f.el('b', {}, f.lift(g.lift)), ' (', f.change(g.lift), ')'),
      f.el('div', { class: 'muted' }, 'always-valid 95%: ', f.interval(g.ci_low, g.ci_high)),
    ];
    if (g.adjusted_lift != null) {
      rows.push(f.el('div', {}, 'Against holdouts ', f.el('b', {}, f.lift(g.adjusted_lift)), ' (', f.int(g.holdouts), ' holdouts)'));
      rows.push(f.el('div', { class: 'muted' }, 'always-valid 95%: ', f.interval(g.adjusted_ci_low, g.adjusted_ci_high)));
    }
    rows.push(f.el('div', {}, 'q-value ', f.qValue(g.q_value)));
    return rows;
  });

  return mount(container, width => ({
    class: 'lift-chart',
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false, setScale: false }, y: false },
    scales: {
      x: { time: false, ori: 1, dir: 1, range: [-0.6, n - 0.4] },
      y: { ori: 0, dir: 1, range },
    },
    axes: [
      {
        scale: 'x', side: 3, size: labelWidth, gap: 6, font: FONT, stroke: COLORS.axis,
        splits: () => data[0],
        values: (u, splits) => splits.map(i => shorten(labels[i] ?? '', labelWidth)),
        grid: { show: false }, ticks: { show: false },
      },
      {
        scale: 'y', side: 2, font: FONT, stroke: COLORS.axis, size: 44, space: 64,
        label: 'Lift (observed ÷ expected), ' + dimensionLabel, labelFont: FONT, labelSize: 18,
        values: (u, splits) => splits.map(v => v.toFixed(v < 10 ? 2 : 0) + '×'),
        grid: { stroke: COLORS.grid, width: 1 }, ticks: { stroke: COLORS.grid },
      },
    ],
    series: [{}, { label: 'lift', paths: () => null, points: { show: false } }],
    hooks: { draw: [draw], ...tip.hooks },
  }), data, height);
}

/** A horizontal interval; past the edge of the axis it ends in an arrow. */
function whisker(ctx, x, y, low, high, color, px, range, dash = []) {
  if (low == null) return;
  const x0 = x(low);
  const x1 = high == null ? x(range[1]) : x(high);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2 * px;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(x0, y);
  ctx.lineTo(x1, y);
  ctx.stroke();
  ctx.setLineDash([]);
  const cap = 5 * px;
  ctx.beginPath();
  ctx.moveTo(x0, y - cap);
  ctx.lineTo(x0, y + cap);
  if (high == null || high > range[1]) {
    ctx.moveTo(x1 - 2 * cap, y - cap);
    ctx.lineTo(x1, y);
    ctx.lineTo(x1 - 2 * cap, y + cap);
  } else {
    ctx.moveTo(x1, y - cap);
    ctx.lineTo(x1, y + cap);
  }
  ctx.stroke();
}

function shorten(label, width) {
  const max = Math.floor((width - 12) / 7);
  return label.length > max ? label.slice(0, Math.max(1, max - 1)) + '…' : label;
}

/** UTC midnight of a "YYYY-MM-DD" key, in seconds (uPlot's time unit). */
function daySeconds(key) {
  return Date.parse(key + 'T00:00:00Z') / 1000;
}

const utc = ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

function dayScale(days) {
  const xs = days.map(d => daySeconds(d.key));
  return { time: true, range: () => [Math.min(...xs) - 43200, Math.max(...xs) + 43200] };
}

function dayAxis() {
  return { font: FONT, stroke: COLORS.axis, grid: { show: false }, ticks: { stroke: COLORS.grid }, values: '{MMM} {D}', space: 44 };
}

/** Sends per day (by the UTC day they were sent): all with a result, and of those the evaluated ones. */
export function dailyChart(container, days) {
  const data = [days.map(d => daySeconds(d.key)), days.map(d => d.sends), days.map(d => d.evaluated)];
  const bars = uPlot.paths.bars;
  return mount(container, () => ({
    tzDate: utc,
    cursor: { points: { show: false }, drag: { x: false, y: false, setScale: false } },
    legend: { live: true },
    scales: { x: dayScale(days), y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [dayAxis(), { font: FONT, stroke: COLORS.axis, size: 52, grid: { stroke: COLORS.grid }, ticks: { show: false }, values: (u, s) => s.map(f.compact) }],
    series: [
      { label: 'Day (UTC)', value: (u, v) => (v == null ? '–' : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: 'Sends with a result', fill: COLORS.sends, stroke: COLORS.sends, paths: bars({ size: [0.7, 56] }), points: { show: false }, value: (u, v) => f.int(v) },
      { label: 'Evaluated', fill: COLORS.evaluated, stroke: COLORS.evaluated, paths: bars({ size: [0.4, 30] }), points: { show: false }, value: (u, v) => f.int(v) },
    ],
  }), data, 220);
}

/** Per day, the share of evaluated sends whose own verdict was up, and down. */
export function shareChart(container, days) {
  const data = [days.map(d => daySeconds(d.key)), days.map(d => pct100(d.share_up)), days.map(d => pct100(d.share_down))];
  return mount(container, () => ({
    tzDate: utc,
    cursor: { drag: { x: false, y: false, setScale: false } },
    legend: { live: true },
    scales: { x: dayScale(days), y: { range: (u, min, max) => [0, Math.max(5, Math.ceil(max * 1.2))] } },
    axes: [dayAxis(), { font: FONT, stroke: COLORS.axis, size: 48, grid: { stroke: COLORS.grid }, ticks: { show: false }, values: (u, s) => s.map(v => v + '%') }],
    series: [
      { label: 'Day (UTC)', value: (u, v) => (v == null ? '–' : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: 'Up', stroke: COLORS.up, width: 2, points: { size: 6, fill: COLORS.up }, value: (u, v) => (v == null ? '–' : v.toFixed(1) + '%') },
      { label: 'Down', stroke: COLORS.down, width: 2, points: { size: 6, fill: COLORS.down }, value: (u, v) => (v == null ? '–' : v.toFixed(1) + '%') },
    ],
  }), data, 220);
}

function pct100(x) {
  return x == null ? null : x * 100;
}
