// report.mjs — opens a report.html written by `hrcast eval -o` in headless Debian chromium: no page
// errors, no request leaves the file (self-contained), every embedded figure decodes, the metrics
// table has the model and both baselines; saves a screenshot. Usage: node report.mjs REPORT.html OUTDIR
import { chromium } from "playwright-core";
import path from "node:path";

const [file, outDir] = process.argv.slice(2);
let failures = 0;
const ok = (name, cond, extra = "") => {
  console.log((cond ? "ok   " : "FAIL ") + "report: " + name + (extra ? " (" + extra + ")" : ""));
  if (!cond) failures++;
};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  const errors = [], external = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("request", (r) => { if (!/^(file|data):/.test(r.url())) external.push(r.url()); });
  await page.goto("file://" + path.resolve(file));
  await page.waitForLoadState("load");
  const imgs = await page.$$eval("img", (a) => a.map((i) => [i.complete, i.naturalWidth]));
  ok("figures embedded", imgs.length >= 6, imgs.length + " images");
  ok("every figure decodes", imgs.every(([c, w]) => c && w > 100));
  const rows = await page.$$eval("table tr td:first-child", (a) => a.map((t) => t.textContent));
  ok("metrics table: model and both baselines", rows.some((t) => /physio/.test(t)) && rows.some((t) => /constant/.test(t)), rows.slice(0, 6).join(", "));
  ok("model card shown", /Model card/.test(await page.textContent("body")));
  ok("no page errors", errors.length === 0, errors.join(" | "));
  ok("self-contained", external.length === 0, external.join(" "));
  await page.screenshot({ path: path.join(outDir, "report.png"), fullPage: false });
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
