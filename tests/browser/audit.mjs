//! What the scenario checks on every main page, in each language: the page's weight as the
//! browser received it (HTML + CSS + JS, compressed bytes, cache off), that text answers are
//! compressed, axe-core's serious and critical violations, Content-Security-Policy errors and
//! script errors, `lang` and `dir` on <html>, and a phone-sized screenshot.
import { AXE_SOURCE, check, outPath } from "./lib.mjs";

/** The budget of one page: HTML + CSS + JS, compressed, images excluded (issue 6, part 4). */
export const BUDGET_BYTES = 60 * 1024;
/** Text answers above this size must come compressed. */
const COMPRESS_ABOVE = 1024;
const PHONE_WIDTH = 360;
const COUNTED = new Set(["document", "stylesheet", "script"]);
const KIND = { document: "html", stylesheet: "css", script: "js" };

/** Starts recording what `page` loads and logs; call before navigating. */
export function record(page) {
  const rec = { responses: [], problems: [] };
  page.on("response", (r) => rec.responses.push(r));
  page.on("console", (m) => {
    if (m.type() === "error") rec.problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => rec.problems.push(`script error: ${e.message}`));
  return rec;
}

/** Forgets what `rec` saw: call before each visit. */
export function reset(rec) {
  rec.responses.length = 0;
  rec.problems.length = 0;
}

/** Turns the HTTP cache off for `page` (each visit fetches and weighs CSS and JS again). */
export async function noCache(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
}

/** The compressed weight of what `rec` saw since the last reset, by kind, and problems. */
export async function weigh(rec) {
  const w = { html: 0, css: 0, js: 0, total: 0, encodings: new Set(), uncompressed: [] };
  for (const r of rec.responses) {
    const type = r.request().resourceType();
    if (!COUNTED.has(type) || r.status() >= 300) continue;
    const sizes = await r.request().sizes();
    const body = sizes.responseBodySize;
    const decoded = (await r.body()).length;
    const encoding = r.headers()["content-encoding"];
    if (encoding) w.encodings.add(encoding);
    if (!encoding && decoded > COMPRESS_ABOVE) w.uncompressed.push(`${r.url()} (${decoded} B)`);
    w[KIND[type]] += body;
    w.total += body;
  }
  return w;
}

/** axe-core on the current document: the violations with impact serious or critical, and the rest. */
export async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.failureSummary.split("\n").slice(1).join(" ").trim()}`),
      count: v.nodes.length,
    }));
  });
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = result.filter((v) => !serious.includes(v));
  return { serious, minor };
}

const describe = (v) => [`${v.impact} ${v.id} (${v.count}×): ${v.help}`, ...v.nodes.map((n) => `   ${n}`)].join("\n     ");

/**
 * Checks the page now displayed (reached by `visit` with `rec` reset just before): language
 * and direction, weight, compression, axe, CSP and script errors; saves the screenshot.
 * Returns the weight row. Throws one error listing every problem found.
 */
export async function audit(page, rec, { name, lang, notes }) {
  const problems = [];
  const got = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
  const wantDir = lang === "ar" ? "rtl" : "ltr";
  if (got[0] !== lang || got[1] !== wantDir) problems.push(`<html lang="${got[0]}" dir="${got[1]}">, expected lang="${lang}" dir="${wantDir}"`);
  // Nothing wider than a phone: a long link or word must wrap, not make the page scroll sideways.
  const wide = await page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= limit) return [];
    return [...document.querySelectorAll("main *")]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.right > limit + 1 || r.left < -1; })
      .slice(0, 3)
      .map((e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ""}> ${(e.textContent || "").trim().slice(0, 60)}`);
  });
  if (wide.length) problems.push(`wider than the ${PHONE_WIDTH}px phone screen: ${wide.join("; ")}`);
  const main = await page.locator("main").count();
  if (main !== 1) problems.push(`${main} <main> landmarks`);

  const w = await weigh(rec);
  if (w.total > BUDGET_BYTES) problems.push(`weighs ${w.total} B compressed, over the ${BUDGET_BYTES} B budget`);
  if (w.uncompressed.length) problems.push(`sent uncompressed: ${w.uncompressed.join(", ")}`);

  const { serious, minor } = await axe(page);
  for (const v of serious) problems.push(`axe: ${describe(v)}`);
  for (const v of minor) notes.push(`${name} [${lang}] axe ${v.impact} ${v.id}: ${v.help}`);
  for (const p of rec.problems) problems.push(p);

  // Lazy pictures below the fold would be blank in a full-page screenshot: load them first
  // (after weighing: pictures are outside the budget anyway).
  await page.evaluate(() => Promise.all([...document.querySelectorAll('img[loading="lazy"]')].map((img) => {
    img.loading = "eager";
    return img.complete ? null : new Promise((done) => {
      img.addEventListener("load", done);
      img.addEventListener("error", done);
      setTimeout(done, 3000);
    });
  })));
  await page.screenshot({ path: outPath("screenshots", lang, `${name}.png`), fullPage: true });
  check(problems.length === 0, problems.join("\n"));
  return w;
}

/** The weight table, as Markdown (for the console and weights.md). */
export function weightTable(rows) {
  const n = (x) => x.toLocaleString("en-US");
  const lines = [
    "| page | lang | HTML | CSS | JS | total | encoding |",
    "|---|---|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.lang} | ${n(r.html)} B | ${n(r.css)} B | ${n(r.js)} B | ${n(r.total)} B | ${[...r.encodings].join(", ") || "none"} |`);
  }
  return lines.join("\n");
}
