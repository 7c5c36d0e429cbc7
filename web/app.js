// app.js — the hrcast page's logic: loads the model card and samples, turns a pace plan or numbers
// into a JSON request, uploads files, and draws the result with uPlot (HR, pace or speed, altitude
// panels with a synced cursor and aligned plot areas), plus CSV/JSON downloads. An error hides the
// previous result. "Use my heart rate for the first N minutes" asks for ?calibrate=S: the window is
// shaded on the HR chart, the calibrated forecast drawn after it, and the calibrated and uncalibrated
// MAE after the window shown side by side. Talks only to the server that served the page.
"use strict";

const $ = (id) => document.getElementById(id);
let last = null;      // last result JSON
let lastTitle = "";   // and its title
let plots = [];       // uPlot instances
let speedUnit = "pace"; // the speed panel in "pace" (min/km, faster up) or "speed" (m/s)
let lastReq = null;   // the last request (body, headers, title): sent again when the live box changes
let lastFile = null;  // the workout last uploaded, while its result is the one asked for (null after a sample or plan)

function setStatus(msg, isError) {
  const s = $("status");
  s.textContent = msg || "";
  s.className = "status" + (isError ? " error" : "");
  // an error answers the latest request: the chart of an earlier one must not stay under it
  if (isError) $("result").hidden = true;
}

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}

// ---- the model card ----
async function loadModel() {
  try {
    const m = await getJSON("api/model");
    // the card nests what matters under "model" (step_s, features.set, architecture); an LSTM showed only
    // "model: lstm" when this read top-level keys
    const card = m.model || {}, arch = card.architecture || {};
    const bits = [m.model_type || m.kind || "model"];
    if (arch.hidden_size) bits.push(arch.num_layers + "×" + arch.hidden_size);
    const step = card.step_s || card.step || m.step;
    if (step) bits.push("step " + step + " s");
    const feats = card.features && (card.features.set || (card.features.names || []).length);
    if (feats) bits.push("features " + feats);
    $("model").textContent = "model: " + bits.join(" · ");
  } catch (e) {
    $("model").textContent = "model: unavailable (" + e.message + ")";
  }
}

// ---- samples ----
let samples = [];
async function loadSamples() {
  samples = await getJSON("api/samples");
  const box = $("samples");
  box.textContent = "";
  for (const s of samples) {
    const b = document.createElement("button");
    b.dataset.sample = s.id;
    b.textContent = s.title;
    const small = document.createElement("small");
    small.textContent = s.description;
    b.appendChild(small);
    b.addEventListener("click", () => {
      document.querySelectorAll(".samples button").forEach((x) => x.classList.toggle("active", x === b));
      predictJSON({ speed: s.speed, altitude: s.altitude, heart_rate: s.heart_rate, step: s.step }, s.title);
    });
    box.appendChild(b);
  }
}

// ---- manual entry: pace plan or numbers ----
// "10 min @ 5:00/km", "90 s @ 4:10/km", "2 km @ 4:30/km", "400 m @ 3:30/km", "5 min @ 12 km/h",
// "5 min @ 3.2 m/s": a duration in min, s (sec) or a distance in km, m (metres: "400 m" was 400 minutes)
function parseSpeed(txt) {
  let m = txt.match(/^(\d+):(\d{1,2})\s*(?:\/|min\/|per\s*)?\s*km$/i);
  if (m) return 1000 / (parseInt(m[1], 10) * 60 + parseInt(m[2], 10));
  m = txt.match(/^(\d+(?:\.\d+)?)\s*km\/h$/i);
  if (m) return parseFloat(m[1]) / 3.6;
  m = txt.match(/^(\d+(?:\.\d+)?)\s*m\/s$/i);
  if (m) return parseFloat(m[1]);
  return NaN;
}

function parsePlan(text, step) {
  const parts = text.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
  // plain numbers: speeds in m/s, one per step
  if (parts.length && parts.every((p) => /^-?\d+(\.\d+)?$/.test(p)))
    return parts.map(Number);
  const speed = [];
  for (const p of parts) {
    const m = p.match(/^(\d+(?:\.\d+)?)\s*(min|sec|s|km|m)\s*@\s*(.+)$/i);
    if (!m) throw new Error('cannot read "' + p + '": write e.g. "10 min @ 5:00/km"');
    const v = parseSpeed(m[3].trim());
    if (!(v > 0 && v < 15)) throw new Error('cannot read the pace in "' + p + '"');
    const qty = parseFloat(m[1]), unit = m[2].toLowerCase();
    const secs = unit === "km" ? qty * 1000 / v : unit === "m" ? qty / v : unit.startsWith("s") ? qty : qty * 60;
    const steps = Math.max(1, Math.round(secs / step));
    for (let i = 0; i < steps; i++) speed.push(v);
  }
  if (speed.length > 200000) throw new Error("plan too long");
  return speed;
}

function parseAlts(text, n) {
  text = text.trim();
  if (!text) return null;
  const climb = text.match(/^\+(\d+(?:\.\d+)?)$/);
  if (climb) return Array.from({ length: n }, (_, i) => 100 + parseFloat(climb[1]) * i / Math.max(1, n - 1));
  const a = text.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (a.some(isNaN)) throw new Error("altitudes must be numbers");
  if (a.length !== n) throw new Error("need " + n + " altitudes (one per step), got " + a.length);
  return a;
}

function manual() {
  try {
    const step = Math.max(1, parseFloat($("step").value) || 10);
    const speed = parsePlan($("plan").value, step);
    if (speed.length < 2) throw new Error("need at least two steps");
    const altitude = parseAlts($("alts").value, speed.length);
    const body = { speed, step, gender: $("gender").value };
    if (altitude) body.altitude = altitude;
    predictJSON(body, "Your plan");
  } catch (e) {
    setStatus(e.message, true);
  }
}

// ---- requests ----
// "api/predict", or with ?calibrate=S when the live box is ticked (the server checks the value)
function predictURL() {
  if (!$("calib-on").checked) return "api/predict";
  const m = parseFloat($("calib-min").value);
  return "api/predict?calibrate=" + encodeURIComponent(isFinite(m) ? String(Math.round(m * 60)) : $("calib-min").value);
}

let reqSeq = 0; // only the latest request's answer is shown (the live box can send one again quickly)
async function post(body, headers, title) {
  lastReq = { body, headers, title };
  const seq = ++reqSeq;
  setStatus("Predicting…");
  try {
    const r = await fetch(predictURL(), { method: "POST", body, headers });
    let j;
    try { j = await r.json(); } catch (_) { j = { error: "HTTP " + r.status }; }
    if (seq !== reqSeq) return;
    if (!r.ok) throw new Error(j.error || "HTTP " + r.status);
    show(j, title);
    // what reading the file warned about (a FIT file cut short: only the part before the cut is shown)
    setStatus(j.warnings ? "Note: " + j.warnings.join("; ") : "");
  } catch (e) {
    if (seq === reqSeq) setStatus(e.message, true);
  }
}

function predictJSON(obj, title) {
  lastFile = null; // a sample or a plan now shown: picking earlier runs must not bring the old upload back
  return post(JSON.stringify(obj), { "Content-Type": "application/json" }, title);
}

// the workout, and the runner's earlier runs ("recent": their HR scale and recent form, server-side)
function upload(file) {
  lastFile = file;
  const fd = new FormData();
  fd.append("file", file, file.name);
  for (const r of $("recent").files) fd.append("recent", r, r.name);
  return post(fd, undefined, file.name);
}

// ---- result ----
const fmtPace = (v) => {
  if (!(v > 0.3)) return "–";
  const s = Math.round(1000 / v);
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
};
const fmtNum = (v, d) => (v == null || !isFinite(v) ? "–" : Number(v).toFixed(d));
// minutes as given: 1.5 stays "1.5" (it was rounded to "2" in the labels), 10 stays "10"
const fmtMinutes = (s) => String(Math.round(s / 60 * 100) / 100);
const fmtTime = (s) => {
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), ss = s % 60;
  return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(ss).padStart(2, "0");
};

function summary(j) {
  const s = j.summary, box = $("summary");
  box.textContent = "";
  const items = [
    ["predicted avg", fmtNum(s.predicted_avg, 0) + " bpm"],
    ["predicted max", fmtNum(s.predicted_max, 0) + " bpm"],
    ["predicted min", fmtNum(s.predicted_min, 0) + " bpm"],
    ["duration", fmtTime(s.duration_s)],
    ["distance", fmtNum(s.distance_m / 1000, 2) + " km"],
  ];
  if (s.actual_steps > 0) {
    items.push(["actual avg", fmtNum(s.actual_avg, 0) + " bpm"]);
    items.push(["MAE vs actual", fmtNum(s.mae, 1) + " bpm"]);
  }
  // what the earlier runs sent with the upload changed (never the workout's own HR)
  const rf = j.recent_form;
  if (rf) {
    if (rf.scaled)
      items.push(["your HR scale, from " + rf.scale_runs + " earlier runs", fmtNum(rf.scale_mean_bpm, 0) + " ± " +
        fmtNum(rf.scale_sd_bpm, 0) + " bpm", "recent scale"]);
    items.push(["recent form, from " + rf.runs + " runs of the week before", (rf.shift_bpm >= 0 ? "+" : "") +
      fmtNum(rf.shift_bpm, 1) + " bpm", "recent form"]);
  }
  // live numbers, labelled with their window and counted after it only: never mixed with the above
  const c = j.calibration;
  if (c) {
    items.push(["MAE after " + fmtMinutes(c.calibrate_s) + " min, calibrated", fmtNum(c.mae, 1) + " bpm", "calibrated MAE"]);
    items.push(["MAE after " + fmtMinutes(c.calibrate_s) + " min, uncalibrated", fmtNum(c.mae_uncalibrated, 1) + " bpm", "uncalibrated MAE"]);
    // the shift at the window's end; it fades to trust_persist of itself (time constant trust_tau_s)
    const fade = c.trust_tau_s > 0 ? ", fading to " + fmtNum(100 * c.trust_persist, 0) + " %" : "";
    // no recorded HR where the trust looks (offset_steps 0): said, not shown as a calibration of +0.0
    if (c.offset_steps === 0)
      items.push(["offset from the window", "not calibrated: no recorded HR in the part of the window the trust counts", "offset"]);
    else
      items.push(["offset from the window", (c.offset_bpm >= 0 ? "+" : "") + fmtNum(c.offset_bpm, 1) + " bpm" + fade, "offset"]);
  }
  for (const [k, v, key] of items) {
    const d = document.createElement("div");
    d.dataset.key = key || k;
    if (key && !key.startsWith("recent")) d.className = "live-mae"; /* the live numbers stand apart */
    const b = document.createElement("b");
    b.textContent = v;
    const sp = document.createElement("span");
    sp.textContent = k;
    d.append(b, sp);
    box.appendChild(d);
  }
}

function chartWidth() {
  return Math.max(320, $("result").clientWidth - 30);
}

// Every panel's y axis takes the same width, so that the plot areas (and the synced cursor) line up
// even when one panel has no data (altitude not recorded) or wider tick labels.
const Y_AXIS_PX = 64;
const yAxis = (label, extra) => Object.assign({ label, size: Y_AXIS_PX, space: 18 }, extra || {});

// pace in min/km (a number of minutes) from m/s; standing still has no pace
const paceMin = (v) => (v == null || !(v > 0.5) ? null : 1000 / v / 60);
const fmtMinSec = (m) => {
  if (m == null || !isFinite(m)) return "–";
  const s = Math.round(m * 60);
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
};

function speedChart(j, t, w, cursor, xAxis) {
  if (speedUnit === "pace") {
    const pace = j.speed.map(paceMin);
    return new uPlot({ title: "Pace (min/km)", width: w, height: 200, cursor,
      series: [{ label: "min" }, { label: "pace (min/km)", stroke: "#2a8a3e", width: 1.5,
        value: (u, v) => (v == null ? "–" : fmtMinSec(v) + "/km") }],
      // faster is up: the pace axis runs from slow (bottom) to fast (top)
      axes: [xAxis, yAxis("min/km", { values: (u, splits) => splits.map(fmtMinSec),
        incrs: [1 / 12, 1 / 6, 0.25, 0.5, 1, 2, 5, 10] })],
      scales: { x: { time: false }, y: { dir: -1 } } }, [t, pace], $("chart-speed"));
  }
  return new uPlot({ title: "Speed (m/s)", width: w, height: 200, cursor,
    series: [{ label: "min" }, { label: "speed (m/s)", stroke: "#2a8a3e", width: 1.5,
      value: (u, v) => (v == null ? "–" : v.toFixed(2) + " m/s · " + fmtPace(v) + "/km") }],
    axes: [xAxis, yAxis("m/s")], scales: { x: { time: false } } }, [t, j.speed], $("chart-speed"));
}

function show(j, title) {
  last = j;
  lastTitle = title;
  $("result").hidden = false;
  $("result-title").textContent = title + " — " + j.n + " steps of " + j.step + " s (" + j.format + ", " + j.model + " model)";
  summary(j);
  for (const p of plots) p.destroy();
  plots = [];
  const t = j.time.map((x) => x / 60);
  const sync = uPlot.sync("hrcast");
  const cursor = { sync: { key: sync.key }, drag: { x: true, y: false } };
  // the time label only under the last panel: the small panels keep their height for the data
  const xAxis = {}, xAxisLast = { label: "time (min)" };
  const w = chartWidth();
  const nums = (a) => a.map((v) => (v == null ? null : v));

  // heart rate: predicted, optional sigma band, actual
  const hrData = [t, nums(j.hr_predicted)];
  const hrSeries = [{ label: "min", value: (u, v) => (v == null ? "–" : v.toFixed(1)) },
    { label: "predicted HR", stroke: "#c62839", width: 2 }];
  const bands = [];
  if (j.hr_sigma) {
    hrData.push(j.hr_predicted.map((v, i) => v + j.hr_sigma[i]));
    hrData.push(j.hr_predicted.map((v, i) => v - j.hr_sigma[i]));
    hrSeries.push({ label: "+σ", stroke: "rgba(198,40,57,0.25)", width: 1 });
    hrSeries.push({ label: "−σ", stroke: "rgba(198,40,57,0.25)", width: 1 });
    bands.push({ series: [2, 3], fill: "rgba(198,40,57,0.10)" });
  }
  if (j.heart_rate) {
    hrData.push(nums(j.heart_rate));
    hrSeries.push({ label: "actual HR", stroke: "#1f5fbf", width: 1.5, spanGaps: false });
  }
  // calibrated: the forecast after the window, and the window shaded under the curves
  const cal = j.calibration, hooks = {};
  window.hrcastWindowPx = null;
  if (cal && j.hr_calibrated) {
    hrSeries[1].label = "predicted HR (uncalibrated)";
    hrSeries[1].stroke = "rgba(198,40,57,0.45)";
    hrSeries[1].dash = [6, 4];
    hrData.push(j.hr_calibrated.map((v, i) => (i < cal.window_steps || v == null ? null : v)));
    hrSeries.push({ label: "forecast (" + cal.label + ")", stroke: "#e07b00", width: 2.2 });
    const wmin = cal.calibrate_s / 60;
    hooks.drawClear = [(u) => {
      const x0 = Math.max(u.bbox.left, u.valToPos(t[0], "x", true));
      const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(wmin, "x", true));
      if (!(x1 > x0)) return;
      u.ctx.save();
      u.ctx.fillStyle = "rgba(224,123,0,0.13)";
      u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      u.ctx.restore();
      window.hrcastWindowPx = { x0, x1, minutes: wmin }; // for tests/e2e
    }];
  }
  plots.push(new uPlot({ title: cal ? "Heart rate (bpm) — shaded: the first " + fmtMinutes(cal.calibrate_s) +
      " min of recorded HR, used to calibrate the forecast after it" : "Heart rate (bpm)", width: w, height: 300, cursor,
    series: hrSeries, bands, hooks, axes: [xAxis, yAxis("bpm")], scales: { x: { time: false } } }, hrData, $("chart-hr")));

  plots.push(speedChart(j, t, w, cursor, xAxis));
  $("speed-unit").textContent = speedUnit === "pace" ? "show speed (m/s)" : "show pace (min/km)";

  // no altitude recorded: the panel keeps its place and alignment, with a fixed 0-100 m scale
  const alt = j.altitude || j.time.map(() => null);
  plots.push(new uPlot({ title: j.altitude ? "Altitude (m)" : "Altitude (none recorded)", width: w, height: 190, cursor,
    series: [{ label: "min" }, { label: "altitude (m)", stroke: "#7a5a2f", width: 1.5, fill: "rgba(122,90,47,0.12)" }],
    axes: [xAxisLast, yAxis("m")],
    scales: { x: { time: false }, y: j.altitude ? {} : { range: [0, 100] } } }, [t, alt], $("chart-alt")));
  for (const p of plots) sync.sub(p);
  window.hrcastPlots = plots; // for tests/e2e: the drawn scales and ticks
  // zoom one, zoom all
  for (const p of plots)
    p.hooks.setScale = [(u, key) => {
      if (key !== "x") return;
      for (const q of plots) if (q !== u && (q.scales.x.min !== u.scales.x.min || q.scales.x.max !== u.scales.x.max))
        q.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
    }];
}

// ---- downloads ----
function save(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function baseName() {
  return (last.name || "workout").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "_") || "workout";
}

function toCSV(j) {
  const cols = [["time_s", j.time], ["speed_mps", j.speed], ["altitude_m", j.altitude], ["grade", j.grade],
    ["hr_predicted", j.hr_predicted], ["hr_sigma", j.hr_sigma], ["hr_actual", j.heart_rate],
    ["hr_calibrated", j.hr_calibrated]].filter((c) => c[1]);
  const lines = [cols.map((c) => c[0]).join(",")];
  for (let i = 0; i < j.n; i++) lines.push(cols.map((c) => (c[1][i] == null ? "" : c[1][i])).join(","));
  return lines.join("\n") + "\n";
}

// ---- wiring ----
function wire() {
  $("go-manual").addEventListener("click", manual);
  $("speed-unit").addEventListener("click", () => {
    speedUnit = speedUnit === "pace" ? "speed" : "pace";
    if (last) show(last, lastTitle);
  });
  // the live box: the same request again, calibrated or not
  const again = () => { if (lastReq) post(lastReq.body, lastReq.headers, lastReq.title); };
  $("calib-on").addEventListener("change", again);
  $("calib-min").addEventListener("change", () => { if ($("calib-on").checked) again(); });
  $("file").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); });
  $("recent").addEventListener("change", () => { if (lastFile) upload(lastFile); });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
  });
  $("dl-csv").addEventListener("click", () => last && save(baseName() + "-hr.csv", toCSV(last), "text/csv"));
  $("dl-json").addEventListener("click", () => last && save(baseName() + "-hr.json", JSON.stringify(last), "application/json"));
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { for (const p of plots) p.setSize({ width: chartWidth(), height: p.height }); }, 150);
  });
}

wire();
loadModel();
loadSamples().catch((e) => setStatus("samples: " + e.message, true));
