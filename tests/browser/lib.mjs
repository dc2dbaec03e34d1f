//! Helpers of the browser scenario: the environment, steps that report PASS / FAIL / SKIP (a
//! failing step saves a screenshot and names the URL), polling with a deadline, the Fluent
//! strings of the repository and form helpers.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set: run tests/browser/run.sh, or set it by hand`);
    process.exit(2);
  }
  return v;
}

/** What run.sh passes down. */
export const ENV = {
  a: need("HALQA_A_URL"),
  b: need("HALQA_B_URL"),
  aDomain: need("HALQA_A_DOMAIN"),
  bDomain: need("HALQA_B_DOMAIN"),
  password: need("HALQA_BROWSER_PASSWORD"),
  /** Node A's first admin (`admin`), who looks at the admin pages. */
  adminPassword: need("HALQA_BROWSER_ADMIN_PASSWORD"),
  out: process.env.HALQA_BROWSER_OUT || join(ROOT, "target", "browser"),
  npm: process.env.HALQA_BROWSER_NPM || join(process.env.HOME || "/root", ".cache", "halqa-browser-npm"),
  chromium: process.env.HALQA_BROWSER_CHROMIUM || "/usr/bin/chromium",
  deadline: Number(process.env.HALQA_BROWSER_DEADLINE || 30) * 1000,
  only: (process.env.HALQA_BROWSER_ONLY || "").split(",").filter(Boolean),
  headed: process.env.HALQA_BROWSER_HEADED === "1",
};

/** playwright-core and axe-core from the npm cache directory outside the clone. */
const requireDeps = createRequire(join(ENV.npm, "package.json"));
export const { chromium } = requireDeps("playwright-core");
export const AXE_SOURCE = readFileSync(requireDeps.resolve("axe-core/axe.min.js"), "utf8");

export function outPath(...parts) {
  const p = join(ENV.out, ...parts);
  mkdirSync(dirname(p), { recursive: true });
  return p;
}

export function writeOut(name, text) {
  writeFileSync(outPath(name), text);
}

// --- steps --------------------------------------------------------------------------------

export const results = { passed: 0, failed: [], skipped: [] };

/** A flow step failed: the rest of the flow depends on it. */
export class Abort extends Error {}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);

/**
 * Runs `fn`, printing PASS or FAIL with the time taken. On failure: the message, the URL of
 * `page` and a screenshot under failures/; `critical` steps then stop the scenario (Abort).
 */
export async function step(name, page, fn, { critical = true } = {}) {
  const started = Date.now();
  try {
    const value = await fn();
    results.passed += 1;
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
    return value;
  } catch (e) {
    if (e instanceof Skip) {
      results.skipped.push(`${name}: ${e.message}`);
      console.log(`SKIP ${name}: ${e.message}`);
      return undefined;
    }
    results.failed.push(name);
    console.log(`FAIL ${name}`);
    for (const line of String(e?.stack || e).split("\n").slice(0, 12)) console.log(`     ${line}`);
    if (page && !page.isClosed()) {
      console.log(`     at URL: ${page.url()}`);
      try {
        const shot = outPath("failures", `${slug(name)}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`     screenshot: ${shot}`);
      } catch (err) {
        console.log(`     (no screenshot: ${err.message})`);
      }
    }
    if (critical) throw new Abort(name);
    return undefined;
  }
}

/** Thrown inside a step: the step is skipped (a page not built yet), with the reason. */
export class Skip extends Error {}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Calls `probe` until it returns a truthy value, at most ENV.deadline; a short pause between
 * tries (this is polling, not a fixed wait). Throws with `what` and the last observation.
 */
export async function until(what, probe) {
  const end = Date.now() + ENV.deadline;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = "not yet";
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ENV.deadline / 1000}s waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// --- translations -------------------------------------------------------------------------

/** The single-line messages of every .ftl file of `lang` in frontend/locales. */
export function fluent(lang) {
  const dir = join(ROOT, "frontend", "locales", lang);
  const messages = {};
  const files = readdirSync(dir).filter((f) => f.endsWith(".ftl"));
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      const m = /^([a-zA-Z][\w-]*)\s*=\s*(.+)$/.exec(line);
      if (m) messages[m[1]] = m[2].trim();
    }
  }
  return messages;
}

// --- pages ------------------------------------------------------------------------------------

/** Goes to `url` and throws unless the answer is 200. */
export async function visit(page, url) {
  const r = await page.goto(url, { waitUntil: "load" });
  check(r, `no answer for ${url}`);
  check(r.status() === 200, `${url} answered HTTP ${r.status()}`);
  return r;
}

/** Submits the form holding `selector` by its submit button and waits for the next page. */
export async function submit(page, formSelector) {
  const [r] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.locator(`${formSelector} button[type=submit]`).first().click(),
  ]);
  return r;
}

/** The footer's language switch (works signed in or not). */
export async function switchLanguage(page, base, lang) {
  if (!page.url().startsWith(base)) await visit(page, `${base}/`);
  await page.selectOption("#footer-lang", lang);
  await submit(page, 'form[action="/lang"]');
  const got = await page.getAttribute("html", "lang");
  check(got === lang, `after choosing ${lang} the page is in ${got}`);
}
