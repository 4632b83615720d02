// The npolitics dashboard: forms from the worlds' declared parameters, runs streamed by
// server-sent events, plotly charts overlaying every run (plotly.js as bundled by the
// installed plotly package, served by the dashboard itself), and the world's view of its society.
"use strict";

const COLORS = ["#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41", "#5e35b1", "#c0ca33"];
const state = { worlds: {}, runs: new Map(), charts: new Map() };

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

// A run made here is shown in the society's panel; one made in another tab only if none is.
function addRun(summary, { select = true } = {}) {
  if (state.runs.has(summary.id)) {
    if (select) selectRun(summary.id);
    return;
  }
  const color = COLORS[(Number(summary.id) - 1) % COLORS.length];
  // drawn: how many of its samples the charts show; cleared: the charts must drop them all.
  const run = { ...summary, color, samples: [], view: null, drawn: 0, cleared: false };
  state.runs.set(summary.id, run);
  $("view-run").add(new Option(`run ${summary.id}`, summary.id));
  if (select || !$("view-run").value) selectRun(summary.id);
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
  updateRow(run);
  scheduleCharts();  // its trace and legend entry, empty until samples arrive
}

function selectRun(id) {
  $("view-run").value = id;
  const run = state.runs.get(id);
  if (run) drawView(run);
  updateDownloads();
}

function describeParams(params) {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

async function control(id, action, body = {}) {
  $("error").textContent = "";
  try {
    const summary = await api(`/api/runs/${id}/${action}`, { method: "POST", body });
    const run = state.runs.get(id);
    if (!run) return;
    Object.assign(run, summary);  // a reset's samples are dropped by the stream's next frame
    updateRow(run);
  } catch (err) {
    $("error").textContent = err.message;
  }
}

async function removeRun(id) {
  await api(`/api/runs/${id}`, { method: "DELETE" }).catch(() => {});
  dropRun(id);
}

function dropRun(id) {
  state.runs.delete(id);
  $(`run-${id}`)?.remove();
  [...$("view-run").options].find((o) => o.value === id)?.remove();
  scheduleCharts();
}

// One stream for every run (a browser opens at most six connections to the server): runs
// made or removed in other tabs come and go here too.
function follow() {
  const source = new EventSource("/api/events");
  source.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if ("removed" in frame) {
      dropRun(frame.removed);
      return;
    }
    const id = frame.run.id;
    if (!state.runs.has(id)) addRun(frame.run, { select: false });
    const run = state.runs.get(id);
    if (frame.from < run.samples.length) {  // a reset (from any tab), or the stream reconnected
      run.samples.length = frame.from;
      run.drawn = 0;
      run.cleared = true;
      if (frame.from === 0) run.view = null;
      scheduleCharts();
    }
    Object.assign(run, frame.run);
    run.samples.push(...frame.samples);
    if ("view" in frame) run.view = frame.view;
    updateRow(run);
    if (frame.samples.length) scheduleCharts();
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
// One plotly chart per metric (Ω first), one trace per run, coloured and named as its row.
// Samples are appended where they arrive (Plotly.extendTraces), for all the runs that
// streamed meanwhile at once; plotly gives the ticks, hover, zoom and legend.

// Nothing leaves the machine: no plotly logo link, no "Share chart" upload to Plotly Cloud.
const CHART_CONFIG = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  plotlyServerURL: "",
  modeBarButtonsToRemove: ["select2d", "lasso2d"],
};
let chartsScheduled = false;
let chartsNext = 0;  // performance.now() before which the charts are not drawn again

function runName(run) {
  return `run ${run.id} · ${run.world}`;
}

function metricName(column) {
  return column === "omega" ? "Ω" : column;
}

// A redraw costs plotly time in proportion to the points shown, so redraws come at most
// every 100 ms and, once the charts are long, twice a redraw's time apart: the page keeps
// at least two thirds of its time for the user however many samples stream in.
function scheduleCharts() {
  if (chartsScheduled) return;
  chartsScheduled = true;
  const draw = () => {
    chartsScheduled = false;
    const start = performance.now();
    drawCharts();
    const end = performance.now();
    chartsNext = end + Math.max(100, 2 * (end - start));
  };
  setTimeout(() => requestAnimationFrame(draw), Math.max(0, chartsNext - performance.now()));
}

// plotly.js is 4.8 MB: it loads after the page's own script, so the form and the runs do
// not wait for it; the charts are drawn once it is there.
function loadPlotly() {
  const script = document.createElement("script");
  script.src = "/vendor/plotly.min.js";
  script.onload = () => (typeof Plotly === "undefined" ? plotlyMissing() : drawCharts());
  script.onerror = plotlyMissing;
  document.head.appendChild(script);
}

function plotlyMissing() {
  $("charts-missing").hidden = false;
}

function drawCharts() {
  if (typeof Plotly === "undefined") return;  // still loading, or missing (said on the page)
  const runs = [...state.runs.values()];
  const columns = [];
  for (const run of runs) {
    for (const c of run.columns.slice(1)) if (!columns.includes(c)) columns.push(c);
  }
  columns.sort((a, b) => (b === "omega") - (a === "omega"));
  for (const [column, chart] of state.charts) {
    if (columns.includes(column)) continue;
    Plotly.purge(chart.plot);
    chart.box.remove();
    state.charts.delete(column);
  }
  const grid = $("chart-grid");
  columns.forEach((column, i) => {
    const chart = state.charts.get(column) || newChart(column);
    if (grid.children[i] !== chart.box) grid.insertBefore(chart.box, grid.children[i] || null);
    syncChart(chart, column, runs.filter((run) => run.columns.includes(column)));
  });
  for (const run of runs) {
    run.drawn = run.samples.length;
    run.cleared = false;
  }
  updateDownloads();
}

function newChart(column) {
  const box = document.createElement("div");
  box.className = "chart";
  box.id = `chart-${column}`;
  box.innerHTML = `<h3>${escapeHtml(metricName(column))} <span class="downloads"></span></h3><div class="plot"></div>`;
  $("chart-grid").appendChild(box);  // in the page first, so plotly sizes it to its column
  const chart = { box, plot: box.querySelector(".plot"), runs: [] };  // runs: run id per trace
  const axis = { automargin: true, gridcolor: "#e3e6ec", zeroline: false, linecolor: "#c9ced8" };
  Plotly.newPlot(chart.plot, [], {
    height: 300,
    margin: { l: 8, r: 8, t: 8, b: 8 },  // automargin makes room for the tick labels
    font: { family: "system-ui, sans-serif", size: 11, color: "#1d2433" },
    xaxis: { ...axis, title: { text: "t" }, hoverformat: ".6~g" },
    yaxis: { ...axis, title: { text: metricName(column) }, hoverformat: ".6~g" },
    hovermode: "x unified",
    hoverlabel: { namelength: -1 },
    showlegend: true,  // even for one run
    legend: { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom" },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
  }, CHART_CONFIG);
  state.charts.set(column, chart);
  return chart;
}

function trace(run, column, samples) {
  return {
    type: "scatter",
    mode: "lines",
    uid: `run-${run.id}`,
    name: runName(run),
    line: { color: run.color, width: 1.6 },
    x: samples.map((s) => s.t),
    y: samples.map((s) => s[column] ?? null),
  };
}

// Bring one chart's traces in line with the runs that have its metric: drop removed runs,
// add new ones (with what the other charts already show), empty reset ones, append samples.
function syncChart(chart, column, runs) {
  const ids = runs.map((run) => run.id);
  const gone = chart.runs.flatMap((id, i) => (ids.includes(id) ? [] : [i]));
  if (gone.length) {
    Plotly.deleteTraces(chart.plot, gone);
    chart.runs = chart.runs.filter((id) => ids.includes(id));
  }
  const fresh = runs.filter((run) => !chart.runs.includes(run.id));
  if (fresh.length) {
    Plotly.addTraces(chart.plot, fresh.map((run) => trace(run, column, run.samples.slice(0, run.drawn))));
    chart.runs.push(...fresh.map((run) => run.id));
  }
  const cleared = runs.filter((run) => run.cleared).map((run) => chart.runs.indexOf(run.id));
  if (cleared.length) {
    Plotly.restyle(chart.plot, { x: cleared.map(() => []), y: cleared.map(() => []) }, cleared);
  }
  const growing = runs.filter((run) => run.samples.length > run.drawn);
  if (growing.length) {
    const added = growing.map((run) => trace(run, column, run.samples.slice(run.drawn)));
    Plotly.extendTraces(
      chart.plot,
      { x: added.map((t) => t.x), y: added.map((t) => t.y) },
      growing.map((run) => chart.runs.indexOf(run.id)),
    );
  }
}

// Each chart offers the server's PNG and SVG of its metric for the run chosen below.
function updateDownloads() {
  const selected = $("view-run").value;
  for (const [column, chart] of state.charts) {
    const query = `metric=${encodeURIComponent(column)}`;
    chart.box.querySelector(".downloads").innerHTML = selected
      ? `run ${escapeHtml(selected)}: <a href="/api/runs/${selected}/plot.png?${query}">PNG</a>
         <a href="/api/runs/${selected}/plot.svg?${query}">SVG</a>`
      : "";
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
$("view-run").addEventListener("change", () => selectRun($("view-run").value));
// Runs that already exist (started in another tab) are listed before new ones can be made,
// so rows stay in the order the runs were created.
const listed = api("/api/runs").then((data) => {
  data.runs.forEach((run) => addRun(run));
  follow();
});
Promise.all([loadWorlds(), listed])
  .then(() => { $("create").disabled = false; })
  .catch((err) => { $("error").textContent = err.message; });
loadPlotly();
