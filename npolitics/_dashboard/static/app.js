// The npolitics dashboard: forms from the worlds' declared parameters, runs streamed by
// server-sent events, canvas charts overlaying every run, and the world's view of its society.
"use strict";

const COLORS = ["#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41", "#5e35b1", "#c0ca33"];
const state = { worlds: {}, runs: new Map(), streams: new Map() };

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, {
    headers: { "Content-Type": "application/json" },
    ...options,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

// -- the setup form ----------------------------------------------------------------------

async function loadWorlds() {
  const data = await api("/api/worlds");
  const select = $("world");
  for (const world of data.worlds) {
    state.worlds[world.name] = world;
    select.add(new Option(world.name, world.name));
  }
  const problems = Object.entries(data.problems || {});
  $("problems").textContent = problems.map(([n, e]) => `${n} could not be loaded: ${e}`).join("\n");
  select.addEventListener("change", renderForm);
  renderForm();
}

function renderForm() {
  const world = state.worlds[$("world").value];
  const form = $("params");
  form.replaceChildren();
  if (!world) return;
  $("world-description").textContent = world.description.split("\n")[0];
  for (const p of world.parameters) {
    const label = document.createElement("label");
    label.textContent = p.name;
    let input;
    if (p.choices) {
      input = document.createElement("select");
      for (const c of p.choices) input.add(new Option(String(c), String(c)));
      input.value = String(p.default);
    } else if (p.type === "bool") {
      input = document.createElement("select");
      for (const c of ["true", "false"]) input.add(new Option(c, c));
      input.value = String(p.default);
    } else {
      input = document.createElement("input");
      input.value = p.default === null ? "" : String(p.default);
    }
    input.name = p.name;
    input.dataset.default = String(p.default);
    label.appendChild(input);
    const hint = document.createElement("small");
    hint.textContent = [p.type, p.allowed, p.help].filter(Boolean).join(" · ");
    label.appendChild(hint);
    form.appendChild(label);
  }
}

async function createRun() {
  $("error").textContent = "";
  const params = {};
  for (const input of $("params").querySelectorAll("input, select")) {
    if (input.value !== input.dataset.default) params[input.name] = input.value;
  }
  try {
    const run = await api("/api/runs", {
      method: "POST",
      body: { world: $("world").value, params, seed: $("seed").value, steps: $("steps").value },
    });
    addRun(run);
  } catch (err) {
    $("error").textContent = err.message;
  }
}

// -- runs ----------------------------------------------------------------------------------

function addRun(summary) {
  if (state.runs.has(summary.id)) return;
  const color = COLORS[(Number(summary.id) - 1) % COLORS.length];
  const run = { ...summary, color, samples: [], view: null };
  state.runs.set(summary.id, run);
  $("view-run").add(new Option(`run ${summary.id}`, summary.id));
  $("view-run").value = summary.id;
  const row = document.createElement("tr");
  row.id = `run-${summary.id}`;
  row.innerHTML = `
    <td><span class="swatch" style="background:${color}"></span></td>
    <td title="${escapeHtml(JSON.stringify(summary.params))}">${summary.id} · ${escapeHtml(summary.world)}
      <div class="muted">seed ${summary.seed} ${escapeHtml(describeParams(summary.params))}</div></td>
    <td class="status"></td><td class="now"></td><td class="omega"></td>
    <td>
      <button class="start">start</button> <button class="ghost pause">pause</button>
      <button class="ghost step">step</button> <button class="ghost reset">reset</button>
      <button class="ghost remove">✕</button>
    </td>
    <td><input class="speed" type="number" min="0" placeholder="max" title="samples per second"></td>
    <td>
      <a href="/api/runs/${summary.id}/results.csv">CSV</a><a href="/api/runs/${summary.id}/results.parquet">Parquet</a>
      <a class="png" href="/api/runs/${summary.id}/plot.png">PNG</a><a class="svg" href="/api/runs/${summary.id}/plot.svg">SVG</a>
    </td>`;
  $("run-rows").appendChild(row);
  for (const action of ["start", "pause", "step", "reset"]) {
    row.querySelector(`.${action}`).addEventListener("click", () => control(summary.id, action));
  }
  row.querySelector(".remove").addEventListener("click", () => removeRun(summary.id));
  row.querySelector(".speed").addEventListener("change", (e) =>
    control(summary.id, "speed", { speed: e.target.value || null }));
  follow(summary.id);
  updateRow(run);
}

function describeParams(params) {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

async function control(id, action, body = {}) {
  $("error").textContent = "";
  try {
    const summary = await api(`/api/runs/${id}/${action}`, { method: "POST", body });
    const run = state.runs.get(id);
    if (action === "reset") { run.samples = []; run.view = null; }
    Object.assign(run, summary);
    updateRow(run);
    drawCharts();
  } catch (err) {
    $("error").textContent = err.message;
  }
}

async function removeRun(id) {
  await api(`/api/runs/${id}`, { method: "DELETE" }).catch(() => {});
  state.streams.get(id)?.close();
  state.streams.delete(id);
  state.runs.delete(id);
  $(`run-${id}`)?.remove();
  [...$("view-run").options].find((o) => o.value === id)?.remove();
  drawCharts();
}

function follow(id) {
  const source = new EventSource(`/api/runs/${id}/events`);
  state.streams.set(id, source);
  source.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    const run = state.runs.get(id);
    if (!run) return;
    if (frame.run.sample_count < run.samples.length) run.samples = [];  // a reset from another tab
    Object.assign(run, frame.run);
    run.samples.push(...frame.samples);
    if ("view" in frame) run.view = frame.view;
    updateRow(run);
    if (frame.samples.length) drawCharts();
    if ($("view-run").value === id) drawView(run);
  };
}

function updateRow(run) {
  const row = $(`run-${run.id}`);
  if (!row) return;
  const last = run.samples[run.samples.length - 1];
  const status = row.querySelector(".status");
  status.textContent = run.status + (run.error ? `: ${run.error}` : "");
  status.className = `status status-${run.status}`;
  row.querySelector(".now").textContent = last ? formatNumber(last.t) : "–";
  const omega = row.querySelector(".omega");
  omega.textContent = last ? formatNumber(last.omega) : "–";
  omega.dataset.value = last ? String(last.omega) : "";
  omega.dataset.samples = String(run.samples.length);
  const busy = run.status === "running";
  const over = run.status === "done" || run.status === "failed";
  row.querySelector(".start").disabled = busy || over;
  row.querySelector(".step").disabled = busy || over;
  row.querySelector(".pause").disabled = !busy;
}

// -- charts ------------------------------------------------------------------------------

function drawCharts() {
  const grid = $("chart-grid");
  const columns = [];
  for (const run of state.runs.values()) {
    for (const c of run.columns.slice(1)) if (!columns.includes(c)) columns.push(c);
  }
  for (const column of columns) {
    let box = document.getElementById(`chart-${column}`);
    if (!box) {
      box = document.createElement("div");
      box.className = "chart";
      box.id = `chart-${column}`;
      box.innerHTML = `<h3>${column === "omega" ? "Ω" : escapeHtml(column)}
        <span class="downloads"></span></h3><canvas width="640" height="300"></canvas>`;
      grid.appendChild(box);
    }
    const selected = $("view-run").value;
    const links = box.querySelector(".downloads");
    const query = `plot.png?metric=${encodeURIComponent(column)}`;
    links.innerHTML = selected
      ? `run ${selected}: <a href="/api/runs/${selected}/${query}">PNG</a>
         <a href="/api/runs/${selected}/${query.replace("png", "svg")}">SVG</a>`
      : "";
    lineChart(box.querySelector("canvas"), column);
  }
  for (const box of [...grid.children]) {
    if (!columns.includes(box.id.slice("chart-".length))) box.remove();
  }
}

function lineChart(canvas, column) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, pad = { l: 56, r: 10, t: 10, b: 28 };
  ctx.clearRect(0, 0, W, H);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, points = 0;
  for (const run of state.runs.values()) {
    for (const s of run.samples) {
      const y = s[column];
      if (y === null || y === undefined) continue;
      x0 = Math.min(x0, s.t); x1 = Math.max(x1, s.t); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      points += 1;
    }
  }
  canvas.dataset.points = String(points);
  if (!points) return;
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const sx = (x) => pad.l + ((x - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const sy = (y) => H - pad.b - ((y - y0) / (y1 - y0)) * (H - pad.t - pad.b);
  ctx.strokeStyle = "#c9ced8"; ctx.fillStyle = "#6b7385"; ctx.font = "11px system-ui"; ctx.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const y = y0 + (k / 4) * (y1 - y0);
    ctx.beginPath(); ctx.moveTo(pad.l, sy(y)); ctx.lineTo(W - pad.r, sy(y)); ctx.stroke();
    ctx.fillText(formatNumber(y), 4, sy(y) + 4);
    const x = x0 + (k / 4) * (x1 - x0);
    ctx.fillText(formatNumber(x), sx(x) - 10, H - 8);
  }
  for (const run of state.runs.values()) {
    ctx.strokeStyle = run.color; ctx.lineWidth = 1.6; ctx.beginPath();
    let started = false;
    for (const s of run.samples) {
      const y = s[column];
      if (y === null || y === undefined) { started = false; continue; }
      if (started) ctx.lineTo(sx(s.t), sy(y)); else { ctx.moveTo(sx(s.t), sy(y)); started = true; }
    }
    ctx.stroke();
  }
}

// -- the society's view ------------------------------------------------------------------

function drawView(run) {
  const canvas = $("view");
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const view = run.view;
  $("view-caption").textContent = view ? (view.title || view.kind) : "This world declares no view.";
  canvas.dataset.kind = view ? view.kind : "";
  if (!view) return;
  if (view.kind === "error") { $("view-caption").textContent = view.message; return; }
  if (view.kind === "points") drawPoints(ctx, W, H, view);
  if (view.kind === "matrix") drawMatrix(ctx, W, H, view);
  if (view.kind === "bars") drawBars(ctx, W, H, view);
}

function extent(values, fixed) {
  if (fixed) return fixed;
  let lo = Math.min(...values), hi = Math.max(...values);
  if (!isFinite(lo)) return [0, 1];
  if (hi === lo) { lo -= 1; hi += 1; }
  return [lo, hi];
}

function drawPoints(ctx, W, H, v) {
  const [x0, x1] = extent(v.x, v.xlim), [y0, y1] = extent(v.y, v.ylim);
  v.x.forEach((x, i) => {
    ctx.fillStyle = COLORS[(v.group ? v.group[i] : 0) % COLORS.length];
    ctx.beginPath();
    ctx.arc(8 + ((x - x0) / (x1 - x0)) * (W - 16), H - 8 - ((v.y[i] - y0) / (y1 - y0)) * (H - 16), 3, 0, 2 * Math.PI);
    ctx.fill();
  });
}

function drawMatrix(ctx, W, H, v) {
  const rows = v.values.length, cols = rows ? v.values[0].length : 0;
  if (!rows || !cols) return;
  const flat = v.values.flat(), lo = Math.min(...flat), hi = Math.max(...flat) || 1;
  const cw = W / cols, ch = H / rows;
  v.values.forEach((row, r) => row.forEach((value, c) => {
    const shade = Math.round(245 - 200 * ((value - lo) / (hi - lo || 1)));
    ctx.fillStyle = `rgb(${shade},${shade},255)`;
    ctx.fillRect(c * cw, r * ch, Math.ceil(cw), Math.ceil(ch));
  }));
}

function drawBars(ctx, W, H, v) {
  const n = v.values.length;
  if (!n) return;
  const hi = Math.max(0, ...v.values), lo = Math.min(0, ...v.values), span = hi - lo || 1;
  const bw = (W - 20) / n, zero = H - 20 - ((0 - lo) / span) * (H - 30);
  ctx.font = "10px system-ui";
  v.values.forEach((value, i) => {
    const top = H - 20 - ((value - lo) / span) * (H - 30);
    ctx.fillStyle = COLORS[0];
    ctx.fillRect(10 + i * bw + 1, Math.min(top, zero), Math.max(bw - 2, 1), Math.abs(zero - top));
    if (n <= 40) { ctx.fillStyle = "#6b7385"; ctx.fillText(v.labels[i], 10 + i * bw + 2, H - 6); }
  });
}

// -- helpers -------------------------------------------------------------------------------

function formatNumber(x) {
  if (x === null || x === undefined) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(3);
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

$("create").addEventListener("click", createRun);
$("view-run").addEventListener("change", () => {
  const run = state.runs.get($("view-run").value);
  if (run) drawView(run);
  drawCharts();
});
// Runs that already exist (started in another tab) are listed before new ones can be made,
// so rows stay in the order the runs were created.
Promise.all([loadWorlds(), api("/api/runs").then((data) => data.runs.forEach(addRun))])
  .then(() => { $("create").disabled = false; })
  .catch((err) => { $("error").textContent = err.message; });
