/**
 * The run report's two inline SVG figures: a timeline (Gantt) of task start
 * and end times, and the task graph drawn in layers by longest path from the roots.
 * @module
 */

import type { TaskRecord } from "./manifest.ts";
import { escapeHtml, formatDuration, formatTime, STATUS_COLORS, truncate } from "./_report_util.ts";

const FONT = `font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12"`;

/** Anchor id of a task's details section (by index, so ids never need escaping). */
export function taskAnchor(index: number): string {
  return `task-${index}`;
}

// ---------------------------------------------------------------- timeline

/** A Gantt chart: one row per task, bars from `started` to `ended`, tasks not run labelled. */
export function renderTimeline(
  tasks: TaskRecord[],
  runStarted: string,
  runEnded: string | null,
): string {
  const label = 200;
  const chart = 720;
  const row = 22;
  const top = 26;
  const times: number[] = [runStarted, runEnded].map((t) => t === null ? NaN : Date.parse(t));
  for (const task of tasks) {
    times.push(task.started === null ? NaN : Date.parse(task.started));
    times.push(task.ended === null ? NaN : Date.parse(task.ended));
  }
  const known = times.filter((t) => Number.isFinite(t));
  const t0 = known.length > 0 ? Math.min(...known) : 0;
  let t1 = known.length > 0 ? Math.max(...known) : 1000;
  if (t1 <= t0) t1 = t0 + 1000;
  const x = (t: number) => label + ((t - t0) / (t1 - t0)) * chart;
  const height = top + tasks.length * row + 8;
  const width = label + chart + 20;
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const tx = label + (chart * i) / 5;
    const seconds = ((t1 - t0) * i) / 5 / 1000;
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 4}" stroke="#eaeef2"/>`,
      `<text x="${tx}" y="${top - 10}" text-anchor="middle" fill="#656d76">${
        i === 0 ? "0 s" : `+${escapeHtml(formatDuration(seconds))}`
      }</text>`,
    );
  }
  tasks.forEach((task, i) => {
    const y = top + i * row;
    const colors = STATUS_COLORS[task.status];
    parts.push(
      `<a href="#${taskAnchor(i)}"><text x="${label - 8}" y="${
        y + 15
      }" text-anchor="end" fill="#1f2328">${escapeHtml(truncate(task.id, 30))}<title>${
        escapeHtml(task.id)
      }</title></text></a>`,
    );
    const start = task.started === null ? NaN : Date.parse(task.started);
    if (!Number.isFinite(start)) {
      const why = task.status === "skipped"
        ? `skipped${task.skipped_reason ? `: ${task.skipped_reason}` : ""}`
        : `not run (${task.status})`;
      parts.push(
        `<text x="${label + 4}" y="${y + 15}" fill="#8c959f" font-style="italic">${
          escapeHtml(truncate(why, 110))
        }</text>`,
      );
      return;
    }
    const endParsed = task.ended === null ? NaN : Date.parse(task.ended);
    const open = !Number.isFinite(endParsed);
    const end = open ? t1 : Math.max(endParsed, start);
    const bx = x(start);
    const bw = Math.max(2, x(end) - bx);
    const title = `${task.id}: ${task.status}, ${formatDuration(task.duration)}\n` +
      `${formatTime(task.started)} → ${open ? "(not ended)" : formatTime(task.ended)}`;
    parts.push(
      `<rect x="${bx.toFixed(1)}" y="${y + 3}" width="${bw.toFixed(1)}" height="${
        row - 6
      }" rx="3" ` +
        `fill="${colors.fill}"${open ? ` stroke="#1f2328" stroke-dasharray="3 2"` : ""}>` +
        `<title>${escapeHtml(title)}</title></rect>`,
    );
  });
  return `<svg class="timeline" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="Task timeline" ${FONT}>` +
    parts.join("") + `</svg>`;
}

// ---------------------------------------------------------------- graph

/**
 * The graph layout. Nodes `0..tasks.length-1` are the tasks; higher numbers are
 * waypoints that carry an edge across the layers it skips (one lane per source
 * task and layer, shared by all its long edges).
 */
export interface DagLayout {
  /** Layer of every node (tasks, then waypoints). */
  layer: number[];
  /** Position of every node within its layer. */
  position: number[];
  /** The nodes of each layer, in order. */
  layers: number[][];
  /** One route per drawn `needs` edge: the need, any waypoints, the task. */
  routes: number[][];
}

/**
 * Lay the tasks out in layers: roots in layer 0, every other task one layer
 * after its deepest need. Unknown needs are ignored and a cycle is broken where
 * it is found. Edges that skip layers get waypoints so they do not cross boxes.
 * Within a layer nodes are ordered by the mean position of their parents
 * (barycenter), then by manifest order, which keeps crossings down.
 */
export function layoutDag(tasks: TaskRecord[]): DagLayout {
  const indexOf = new Map<string, number>();
  tasks.forEach((t, i) => {
    if (!indexOf.has(t.id)) indexOf.set(t.id, i);
  });
  const needs = tasks.map((t, i) => {
    const found = t.needs.map((n) => indexOf.get(n)).filter((p): p is number =>
      p !== undefined && p !== i
    );
    return [...new Set(found)];
  });
  const layer = new Array<number>(tasks.length).fill(-1);
  const visiting = new Set<number>();
  const depth = (i: number): number => {
    const known = layer[i] ?? -1;
    if (known >= 0) return known;
    if (visiting.has(i)) return -1; // a cycle: ignore this edge
    visiting.add(i);
    let d = 0;
    for (const p of needs[i] ?? []) {
      const pd = depth(p);
      if (pd >= 0) d = Math.max(d, pd + 1);
    }
    visiting.delete(i);
    layer[i] = d;
    return d;
  };
  tasks.forEach((_t, i) => depth(i));
  // Segment parents of every node (tasks and waypoints), and the routes.
  const parents: number[][] = tasks.map(() => []);
  const waypoints = new Map<string, number>();
  const routes: number[][] = [];
  needs.forEach((ps, child) => {
    for (const p of ps) {
      const from = layer[p] ?? 0;
      const to = layer[child] ?? 0;
      if (from >= to) continue;
      const route = [p];
      for (let l = from + 1; l < to; l++) {
        const key = `${p}:${l}`;
        let w = waypoints.get(key);
        if (w === undefined) {
          w = layer.length;
          waypoints.set(key, w);
          layer.push(l);
          parents.push([route[route.length - 1] ?? p]);
        }
        route.push(w);
      }
      parents[child]?.push(route[route.length - 1] ?? p);
      route.push(child);
      routes.push(route);
    }
  });
  const layers: number[][] = [];
  layer.forEach((l, i) => (layers[l] ??= []).push(i));
  const position = new Array<number>(layer.length).fill(0);
  for (const members of layers) {
    const score = (i: number) => {
      const ps = parents[i] ?? [];
      return ps.length === 0
        ? Infinity
        : ps.reduce((s, p) => s + (position[p] ?? 0), 0) / ps.length;
    };
    const scores = new Map(members.map((i) => [i, score(i)]));
    members.sort((a, b) => {
      const sa = scores.get(a) ?? Infinity;
      const sb = scores.get(b) ?? Infinity;
      return sa === sb ? a - b : sa === Infinity ? 1 : sb === Infinity ? -1 : sa - sb;
    });
    members.forEach((i, pos) => position[i] = pos);
  }
  return { layer, position, layers, routes };
}

/** The task graph: boxes coloured by status in layers left to right, arrows from needs. */
export function renderDag(tasks: TaskRecord[]): string {
  const { layer, position, layers, routes } = layoutDag(tasks);
  const boxW = 170;
  const boxH = 34;
  const gapX = 56;
  const gapY = 14;
  const pad = 12;
  const tallest = Math.max(1, ...layers.map((m) => m.length));
  const width = pad * 2 + Math.max(1, layers.length) * (boxW + gapX) - gapX;
  const height = pad * 2 + tallest * (boxH + gapY) - gapY;
  const place = (i: number) => {
    const l = layer[i] ?? 0;
    const size = layers[l]?.length ?? 1;
    const offset = ((tallest - size) * (boxH + gapY)) / 2;
    return { x: pad + l * (boxW + gapX), y: pad + offset + (position[i] ?? 0) * (boxH + gapY) };
  };
  const parts: string[] = [
    `<defs><marker id="nbchain-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" ` +
    `markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#57606a"/>` +
    `</marker></defs>`,
  ];
  for (const route of routes) {
    let d = "";
    for (let k = 0; k + 1 < route.length; k++) {
      const a = place(route[k] ?? 0);
      const b = place(route[k + 1] ?? 0);
      const x1 = a.x + boxW;
      const y1 = a.y + boxH / 2;
      const x2 = k + 2 === route.length ? b.x - 1 : b.x;
      const y2 = b.y + boxH / 2;
      const dx = (x2 - x1) / 2;
      if (k === 0) d += `M${a.x + boxW} ${y1}`;
      d += `C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
      if (k + 2 < route.length) d += `H${b.x + boxW}`;
    }
    parts.push(
      `<path d="${d}" fill="none" stroke="#8c959f" stroke-width="1.3" ` +
        `marker-end="url(#nbchain-arrow)"/>`,
    );
  }
  tasks.forEach((task, i) => {
    const { x, y } = place(i);
    const colors = STATUS_COLORS[task.status];
    parts.push(
      `<a href="#${taskAnchor(i)}"><g class="node"><title>${
        escapeHtml(`${task.id}: ${task.status}`)
      }</title><rect x="${x}" y="${y}" width="${boxW}" height="${boxH}" rx="6" fill="${colors.fill}"/>` +
        `<text x="${x + boxW / 2}" y="${y + 14}" text-anchor="middle" fill="${colors.text}" ` +
        `font-weight="600">${escapeHtml(truncate(task.id, 24))}</text>` +
        `<text x="${x + boxW / 2}" y="${y + 27}" text-anchor="middle" fill="${colors.text}" ` +
        `font-size="10.5">${
          escapeHtml(`${task.status} · ${formatDuration(task.duration)}`)
        }</text>` +
        `</g></a>`,
    );
  });
  return `<svg class="dag" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="Task graph" ${FONT}>` +
    parts.join("") + `</svg>`;
}
