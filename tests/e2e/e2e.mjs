// e2e.mjs — drives the hrcast page in headless Debian chromium (playwright-core): samples, manual
// plan, file upload (JSON with actual HR, and a GPX whose outcome is shown either as a chart or as
// an error message), a gzip upload named by its real format, an error hiding the previous chart, the
// default 25-minute plan lasting 25:00, the pace panel (min/km, faster up, m:ss ticks) and its m/s
// toggle, readable y ticks on the small panels, aligned plot areas without altitude, the calibrated view
// ("use my heart rate for the first N minutes": window shaded, forecast after it, both MAEs, a bad
// window explained; a fractional window labelled as given; "not calibrated" said when the window has no
// recorded HR where the trust counts), the plan syntax (metres as metres), earlier runs picked after a sample
// not bringing back an old upload, the model line of an LSTM, CSV download, no external requests; saves
// screenshots.
// Usage: node e2e.mjs URL OUTDIR WORKOUT.json FILE.gpx FILE.fit FILE.gpx.gz LAST EARLIER,... CUT.fit LSTM_URL GAP.json
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const [url, outDir, jsonFile, gpxFile, fitFile, gzFile, lastFile, earlierList, cutFitFile, lstmUrl, gapFile] =
  process.argv.slice(2);
const earlierFiles = earlierList.split(",");
let failures = 0;
const ok = (name, cond, extra = "") => {
  console.log((cond ? "ok   " : "FAIL ") + name + (extra ? " (" + extra + ")" : ""));
  if (!cond) failures++;
};

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1100 } });
  const page = await ctx.newPage();
  const external = [];
  const host = new URL(url).host;
  page.on("request", (r) => { const u = new URL(r.url()); if (!["blob:", "data:"].includes(u.protocol) && u.host !== host) external.push(r.url()); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto(url);
  await page.waitForSelector(".samples button", { timeout: 10000 });
  ok("four sample buttons", (await page.locator(".samples button").count()) === 4);
  ok("model line filled", /model: physio/.test(await page.textContent("#model")), await page.textContent("#model"));

  // 1. a sample
  await page.click('button[data-sample="intervals"]');
  await page.waitForSelector("#result:not([hidden]) #chart-hr canvas", { timeout: 10000 });
  ok("sample: chart drawn", (await page.locator("#chart-hr canvas").count()) === 1);
  ok("sample: summary shows predicted avg", /bpm/.test(await page.textContent('#summary [data-key="predicted avg"]')));
  ok("sample: three panels", (await page.locator(".chart .uplot").count()) === 3);

  // the speed panel shows pace: m:ss ticks, faster (4:00) drawn above slower (6:00), and readable
  // ticks (at least 3) on both small panels
  const pace = await page.evaluate(() => {
    const [, sp, alt] = window.hrcastPlots;
    return { title: document.querySelector("#chart-speed .u-title").textContent,
      vals: sp.axes[1]._values || [], altVals: alt.axes[1]._values || [],
      fastAbove: sp.valToPos(4, "y") < sp.valToPos(6, "y") };
  });
  ok("pace: panel in min/km", /Pace \(min\/km\)/.test(pace.title), pace.title);
  ok("pace: m:ss ticks, at least 3", pace.vals.length >= 3 && pace.vals.every((v) => /^\d+:\d\d$/.test(v)), pace.vals.join(" "));
  ok("pace: faster is up", pace.fastAbove);
  ok("altitude: at least 3 ticks", pace.altVals.length >= 3, pace.altVals.join(" "));
  await page.screenshot({ path: path.join(outDir, "serve-pace.png"), fullPage: true });
  await page.click("#speed-unit");
  const speed = await page.evaluate(() => ({ title: document.querySelector("#chart-speed .u-title").textContent,
    vals: window.hrcastPlots[1].axes[1]._values || [] }));
  ok("toggle: speed in m/s", /Speed \(m\/s\)/.test(speed.title) && speed.vals.length >= 3 && speed.vals.every((v) => !/:/.test(v)),
    speed.title + ": " + speed.vals.join(" "));
  await page.click("#speed-unit");
  ok("toggle: back to pace", /Pace/.test(await page.textContent("#chart-speed .u-title")));

  // 2a. the default plan (10 + 5 + 10 minutes) lasts 25:00, not 24:50; without altitude the
  // altitude panel's plot area lines up with the others
  await page.click("#go-manual");
  await page.locator("#result-title", { hasText: /^Your plan/ }).waitFor();
  const dur = await page.textContent('#summary [data-key="duration"] b');
  ok("default plan: 25:00", dur === "25:00", dur);
  const boxes = await Promise.all(["#chart-hr", "#chart-speed", "#chart-alt"].map((c) => page.locator(c + " .u-over").boundingBox()));
  ok("no altitude: plot areas aligned", boxes.every((b) => Math.abs(b.x - boxes[0].x) < 1 && Math.abs(b.width - boxes[0].width) < 1),
    boxes.map((b) => b.x.toFixed(0) + "+" + b.width.toFixed(0)).join(" "));
  await page.screenshot({ path: path.join(outDir, "serve-plan.png"), fullPage: true });

  // 2b. an error hides the previous chart
  await page.fill("#plan", "10 min @ nowhere");
  await page.click("#go-manual");
  await page.waitForSelector(".status.error");
  ok("error: previous chart hidden", await page.locator("#result").isHidden());

  // 2. manual pace plan
  await page.fill("#plan", "5 min @ 6:00/km, 3 min @ 4:00/km, 5 min @ 6:00/km");
  await page.fill("#alts", "+20");
  await page.click("#go-manual");
  await page.locator("#result-title", { hasText: /^Your plan/ }).waitFor();
  ok("plan: 13 min -> 78 steps", /78 steps/.test(await page.textContent("#result-title")), await page.textContent("#result-title"));
  await page.fill("#plan", "10 min @ fast");
  await page.click("#go-manual");
  await page.waitForSelector(".status.error");
  ok("plan: bad pace explained", /cannot read/.test(await page.textContent("#status")));
  // metres are metres ("400 m" was 400 minutes: 2,400 steps): 400 m at 3:30/km is 84 s, 8 steps of 10 s
  for (const p of ["400 m @ 3:30/km, 400m @ 3:30/km", "2 min @ 5:00/km, 1 km @ 4:00/km"]) {
    await page.fill("#plan", p);
    await page.fill("#alts", "");
    const want = p.startsWith("400") ? 16 : 36;
    await page.click("#go-manual");
    await page.locator("#result-title", { hasText: new RegExp("^Your plan — " + want + " steps") }).waitFor({ timeout: 5000 })
      .catch(() => {});
    ok('plan "' + p + '": ' + want + " steps", new RegExp(" " + want + " steps").test(await page.textContent("#result-title")),
       await page.textContent("#result-title"));
  }
  ok("plan syntax on the page (min, s, km, m = metres)", /400 m/.test(await page.textContent("#plan-syntax")) &&
     /metres/.test(await page.textContent("#plan-syntax")));

  // 3. upload: workout JSON with actual HR -> MAE shown
  await page.setInputFiles("#file", jsonFile);
  await page.locator("#result-title", { hasText: /^workout\.json/ }).waitFor();
  ok("upload: actual HR curve + MAE", (await page.locator('#summary [data-key="MAE vs actual"]').count()) === 1);
  const legend = await page.textContent("#chart-hr .u-legend");
  ok("upload: legend has predicted and actual", /predicted HR/.test(legend) && /actual HR/.test(legend));

  // hover shows values
  const box = await page.locator("#chart-hr .u-over").boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  ok("hover: legend value", /\d/.test(await page.textContent("#chart-hr .u-legend .u-series:nth-child(2) .u-value")));
  // zoom: drag across the middle third, all panels follow
  await page.mouse.move(box.x + box.width * 0.33, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.66, box.y + 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(200);

  // 4. GPX upload: a chart
  await page.setInputFiles("#file", gpxFile);
  await page.locator("#result-title", { hasText: /^run\.gpx/ }).or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const gpxErr = await page.textContent("#status");
  ok("gpx: chart", gpxErr === "" && /^run\.gpx/.test(await page.textContent("#result-title")), gpxErr || "chart");

  // 4a. a gzip upload is named by the format inside it
  await page.setInputFiles("#file", gzFile);
  await page.locator("#result-title", { hasText: /^run\.gpx\.gz/ }).or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const gzTitle = await page.textContent("#result-title");
  ok("gz upload: format gpx", /\(gpx, /.test(gzTitle), gzTitle);
  // and an upload the server refuses hides it again
  const junk = path.join(outDir, "junk.bin");
  fs.writeFileSync(junk, Buffer.from("this is not a workout at all\n"));
  await page.setInputFiles("#file", junk);
  await page.waitForSelector(".status.error");
  ok("upload error: previous chart hidden", await page.locator("#result").isHidden(), await page.textContent("#status"));

  // 5. a FIT file generated by `hrcast simulate --emit-files`: chart, recorded HR and its MAE
  const fitName = path.basename(fitFile);
  await page.setInputFiles("#file", fitFile);
  await page.locator("#result-title", { hasText: fitName }).or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const fitErr = await page.textContent("#status");
  ok("fit: chart", fitErr === "" && (await page.textContent("#result-title")).includes(fitName), fitErr || "chart");
  ok("fit: summary has an MAE against the recorded HR", /bpm/.test(await page.textContent("#summary")) && /MAE/i.test(await page.textContent("#summary")));
  await page.screenshot({ path: path.join(outDir, "serve-fit.png"), fullPage: true });

  // 5a. the same FIT file cut in half: the part before the cut is shown, and a note says it was cut
  await page.setInputFiles("#file", cutFitFile);
  await page.locator("#result-title", { hasText: path.basename(cutFitFile) }).or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const cutNote = await page.textContent("#status");
  ok("cut fit: chart, and a note that it was cut short", /^Note: .*truncated/.test(cutNote) &&
     !(await page.locator(".status.error").count()) && (await page.textContent("#result-title")).includes(path.basename(cutFitFile)), cutNote);

  // 5b. the runner's earlier runs with the upload: the summary says what they changed; cleared again after
  // (the workout first, then the earlier runs: picking them sends the workout again)
  await page.setInputFiles("#file", lastFile);
  await page.locator("#result-title", { hasText: path.basename(lastFile) }).waitFor({ timeout: 10000 });
  ok("earlier runs: none picked, no recent form", (await page.locator('#summary [data-key="recent form"]').count()) === 0);
  await page.setInputFiles("#recent", earlierFiles);
  await page.locator('#summary [data-key="recent form"]').or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const rf = await page.locator('#summary [data-key="recent form"]').count() ? await page.textContent('#summary [data-key="recent form"]') : "";
  ok("earlier runs: the summary shows the recent form from them", /recent form, from [1-3] runs/.test(rf) && /bpm/.test(rf),
     rf || await page.textContent("#status"));
  ok("earlier runs: not styled as live numbers", (await page.locator('#summary .live-mae').count()) === 0);
  await page.screenshot({ path: path.join(outDir, "serve-recent.png"), fullPage: true });
  await page.setInputFiles("#recent", []);
  await page.locator("#result-title", { hasText: path.basename(lastFile) }).waitFor({ timeout: 10000 });
  // earlier runs picked after a sample: the sample's result stays (the old upload was sent again and replaced it)
  await page.click('button[data-sample="steady"]');
  await page.locator("#result-title", { hasText: /^Steady / }).waitFor({ timeout: 10000 }); // not "003-steady.fit"
  const sampleTitle = await page.textContent("#result-title");
  await page.setInputFiles("#recent", earlierFiles);
  await page.waitForTimeout(1500);
  ok("earlier runs after a sample: the sample's result stays", (await page.textContent("#result-title")) === sampleTitle,
     sampleTitle + " -> " + await page.textContent("#result-title"));
  await page.setInputFiles("#recent", []);

  // 6. live: "use my heart rate for the first 10 minutes" on the 30-minute JSON workout
  await page.fill("#calib-min", "10");
  await page.check("#calib-on"); // sends the last request (the FIT file) again, calibrated
  await page.setInputFiles("#file", jsonFile);
  await page.locator("#result-title", { hasText: /^workout\.json/ }).waitFor();
  await page.locator('#summary [data-key="calibrated MAE"]').waitFor({ timeout: 10000 });
  const calMae = await page.textContent('#summary [data-key="calibrated MAE"]');
  const uncMae = await page.textContent('#summary [data-key="uncalibrated MAE"]');
  ok("live: calibrated and uncalibrated MAE side by side", /^\d+\.\d bpm/.test(calMae) && /^\d+\.\d bpm/.test(uncMae) &&
     /after 10 min, calibrated/.test(calMae) && /after 10 min, uncalibrated/.test(uncMae), calMae + " | " + uncMae);
  const liveLegend = await page.textContent("#chart-hr .u-legend");
  ok("live: legend has the calibrated forecast and the uncalibrated prediction",
     /forecast \(calibrated 10 min\)/.test(liveLegend) && /uncalibrated/.test(liveLegend), liveLegend);
  const live = await page.evaluate(() => {
    const u = window.hrcastPlots[0], fc = u.data[u.data.length - 1], x = u.data[0];
    const first = fc.findIndex((v) => v != null);
    return { win: window.hrcastWindowPx, first, t: x[first], left: u.bbox.left, width: u.bbox.width,
             x10: u.valToPos(10, "x", true), title: document.querySelector("#chart-hr .u-title").textContent };
  });
  ok("live: the window is shaded from the start to minute 10", live.win && Math.abs(live.win.x0 - live.left) < 2 &&
     Math.abs(live.win.x1 - live.x10) < 2 && live.win.x1 > live.win.x0 + 20, JSON.stringify(live));
  ok("live: the forecast starts at minute 10", live.first === 60 && Math.abs(live.t - 10) < 1e-9, JSON.stringify(live));
  ok("live: the chart title names the window", /first 10 min/.test(live.title), live.title);
  await page.screenshot({ path: path.join(outDir, "serve-live.png"), fullPage: true });
  // a window the server refuses: its reason shown, the chart hidden
  await page.fill("#calib-min", "0");
  await page.dispatchEvent("#calib-min", "change");
  await page.waitForSelector(".status.error");
  ok("live: a bad window explained", /calibrate: /.test(await page.textContent("#status")) && await page.locator("#result").isHidden(),
     await page.textContent("#status"));
  // a fractional window is labelled as given (1.5 showed as "2 min")
  await page.fill("#calib-min", "1.5");
  await page.dispatchEvent("#calib-min", "change");
  await page.locator('#summary [data-key="calibrated MAE"]', { hasText: "after 1.5 min" }).waitFor({ timeout: 10000 });
  ok("live: 1.5 min labelled 1.5 min (summary and chart title)", /after 1\.5 min, calibrated/.test(await page.textContent('#summary [data-key="calibrated MAE"]')) &&
     /first 1\.5 min/.test(await page.textContent("#chart-hr .u-title")), await page.textContent("#chart-hr .u-title"));
  // no recorded HR where the trust counts (the window's last 30 s): the page says not calibrated
  await page.fill("#calib-min", "10");
  await page.dispatchEvent("#calib-min", "change");
  await page.setInputFiles("#file", gapFile);
  await page.locator("#result-title", { hasText: /^gap\.json/ }).waitFor({ timeout: 10000 });
  const gapOffset = await page.textContent('#summary [data-key="offset"]');
  ok("live: no HR in the counted part: 'not calibrated' in the summary and the note", /not calibrated/.test(gapOffset) &&
     /^Note: .*not calibrated/.test(await page.textContent("#status")), gapOffset + " | " + await page.textContent("#status"));
  // unticked: the plain view again
  await page.fill("#calib-min", "10");
  await page.uncheck("#calib-on");
  await page.locator("#result:not([hidden])").waitFor();
  await page.locator('#summary [data-key="calibrated MAE"]').waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  ok("live: unticked, no calibrated numbers", (await page.locator('#summary [data-key="calibrated MAE"]').count()) === 0 &&
     !/forecast/.test(await page.textContent("#chart-hr .u-legend")));

  // back to the JSON upload for the downloads
  await page.setInputFiles("#file", jsonFile);
  await page.locator("#result-title", { hasText: /^workout\.json/ }).waitFor();

  // 5. CSV download
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#dl-csv")]);
  const csvPath = path.join(outDir, dl.suggestedFilename());
  await dl.saveAs(csvPath);
  const lines = fs.readFileSync(csvPath, "utf8").trim().split("\n");
  ok("csv: header", lines[0].startsWith("time_s,speed_mps,altitude_m,grade,hr_predicted,hr_sigma,hr_actual"), lines[0]);
  ok("csv: one row per step", lines.length === 1 + 181, lines.length + " lines");
  const [dlj] = await Promise.all([page.waitForEvent("download"), page.click("#dl-json")]);
  const j = JSON.parse(fs.readFileSync(await dlj.path(), "utf8"));
  ok("json download parses", j.n === 181 && j.hr_predicted.length === 181);

  await page.screenshot({ path: path.join(outDir, "serve.png"), fullPage: true });
  // an LSTM's model line: its layers, step and feature set from the nested card (it showed only "model: lstm")
  const lpage = await ctx.newPage();
  await lpage.goto(lstmUrl);
  await lpage.locator("#model", { hasText: /step/ }).waitFor({ timeout: 10000 }).catch(() => {});
  const ml = await lpage.textContent("#model");
  ok("lstm: model line with layers, step and features", /^model: lstm · 1×4 · step 10 s · features \S+/.test(ml), ml);
  await lpage.close();
  ok("no external requests", external.length === 0, external.join(" "));
  ok("no page errors", errors.length === 0, errors.join(" | "));
} finally {
  await browser.close();
}
console.log(failures ? `e2e: ${failures} failed` : "e2e: all passed");
process.exit(failures ? 1 : 0);
