// e2e.mjs — drives the hrcast page in headless Debian chromium (playwright-core): samples, manual
// plan, file upload (JSON with actual HR, and a GPX whose outcome is shown either as a chart or as
// an error message), CSV download, no external requests; saves a screenshot.
// Usage: node e2e.mjs URL OUTDIR WORKOUT.json FILE.gpx
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const [url, outDir, jsonFile, gpxFile] = process.argv.slice(2);
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

  // 4. GPX upload: a chart when the GPX reader is built, else a clear error message
  await page.setInputFiles("#file", gpxFile);
  await page.locator("#result-title", { hasText: /^run\.gpx/ }).or(page.locator(".status.error")).waitFor({ timeout: 10000 });
  const gpxErr = await page.textContent("#status");
  ok("gpx: chart or named error", gpxErr === "" || /run\.gpx/.test(gpxErr), gpxErr || "chart");
  if (gpxErr) { // back to the JSON upload for the screenshot and download
    await page.setInputFiles("#file", jsonFile);
    await page.locator("#result-title", { hasText: /^workout\.json/ }).waitFor();
    await page.locator(".status.error").waitFor({ state: "detached" });
  }

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
  ok("no external requests", external.length === 0, external.join(" "));
  ok("no page errors", errors.length === 0, errors.join(" | "));
} finally {
  await browser.close();
}
console.log(failures ? `e2e: ${failures} failed` : "e2e: all passed");
process.exit(failures ? 1 : 0);
