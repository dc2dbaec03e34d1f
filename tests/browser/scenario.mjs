//! The browser scenario against nodes A and B (started by run.sh): salma signs up on A through
//! the web form, logs out and in, posts, follows bob@B by the remote-follow form, sees bob's
//! post arrive, replies from the thread, posts without JavaScript; bob (made by the CLI) logs in
//! on B, posts, sees the reply in his notifications. The PLN steps whose pages do not exist yet
//! go through the API (see pln.mjs). Then the language switch (Arabic rtl, French), and every
//! page of pages.mjs in ar, fr and en: axe-core, weight, compression, screenshot.
import { PAGES } from "./pages.mjs";
import { audit, noCache, record, reset, weightTable, BUDGET_BYTES } from "./audit.mjs";
import { plnSteps } from "./pln.mjs";
import {
  Abort, ENV, ROOT, Skip, check, chromium, fluent, results, step, submit, switchLanguage, until,
  visit, writeOut,
} from "./lib.mjs";
import { join } from "node:path";

const LANGS = ["ar", "fr", "en"];
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const USER = "salma";
const EMAIL = "salma@example.org";
const stamp = Date.now().toString(36);
const TEXT = {
  salma: `Salam de A, premier message ${stamp} #halqa`,
  bob: `Bonjour depuis B : fractions au collège ${stamp}`,
  reply: `Merci pour la fiche, je l'essaie demain ${stamp}`,
  nojs: `Écrit sans JavaScript ${stamp}`,
  picture: `Le tableau de la séance d'aujourd'hui ${stamp}`,
  alt: "Un tableau noir avec trois fractions équivalentes : 1/2, 2/4, 4/8",
};
const t = Object.fromEntries(LANGS.map((l) => [l, fluent(l)]));
const ctx = { user: USER, bDomain: ENV.bDomain };

const browser = await chromium.launch({
  executablePath: ENV.chromium,
  headless: !ENV.headed,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
console.log(`browser: ${browser.version()}, phone viewport 360×740, output in ${ENV.out}`);

const newContext = (opts = {}) => browser.newContext({ ...PHONE, locale: "en", ...opts });
const salmaCtx = await newContext();
const bobCtx = await newContext();
const adminCtx = await newContext();
const salma = await salmaCtx.newPage();
const bob = await bobCtx.newPage();
const admin = await adminCtx.newPage();
const rows = [];
const notes = [];

/** The text of the page's timeline (`main`), for "does the post show". */
const mainText = (page) => page.locator("main").innerText();

async function loggedInAs(page, name) {
  const n = await page.locator(`header nav a[href="/@${name}"]`).count();
  check(n === 1, `no link to /@${name} in the navigation: not signed in`);
}

async function flow() {
  await step("salma signs up on A through the web form (registration open)", salma, async () => {
    await visit(salma, `${ENV.a}/signup`);
    await salma.fill("#signup-username", USER);
    await salma.fill("#signup-email", EMAIL);
    await salma.fill("#signup-password", ENV.password);
    await submit(salma, 'form[action="/signup"]');
    check(new URL(salma.url()).pathname === "/", `after sign-up the browser is at ${salma.url()}`);
    await loggedInAs(salma, USER);
  });

  await step("salma logs out, then logs in with the login form", salma, async () => {
    await submit(salma, 'form[action="/logout"]');
    check((await salma.locator('header nav a[href="/login"]').count()) === 1, "no login link after logging out");
    await visit(salma, `${ENV.a}/login`);
    await salma.fill("#login-username", USER);
    await salma.fill("#login-password", ENV.password);
    await submit(salma, 'form[action="/login"]');
    await loggedInAs(salma, USER);
  });

  await step("a wrong password keeps the login form with a translated error", salma, async () => {
    const visitor = await (await newContext()).newPage();
    await visit(visitor, `${ENV.a}/login`);
    await visitor.fill("#login-username", USER);
    await visitor.fill("#login-password", "not-the-password");
    await submit(visitor, 'form[action="/login"]');
    check((await visitor.locator("#login-error").count()) === 1, "no #login-error");
    check((await visitor.inputValue("#login-username")) === USER, "the username typed was lost");
    await visitor.context().close();
  });

  await step("bob (made by the CLI) logs in on B", bob, async () => {
    await visit(bob, `${ENV.b}/login`);
    await bob.fill("#login-username", "bob");
    await bob.fill("#login-password", ENV.password);
    await submit(bob, 'form[action="/login"]');
    await loggedInAs(bob, "bob");
  });

  await step("node A's first admin logs in and finds salma's account", admin, async () => {
    await visit(admin, `${ENV.a}/login`);
    await admin.fill("#login-username", "admin");
    await admin.fill("#login-password", ENV.adminPassword);
    await submit(admin, 'form[action="/login"]');
    await loggedInAs(admin, "admin");
    await visit(admin, `${ENV.a}/admin/accounts`);
    const href = await admin.getAttribute("main a[href^='/admin/accounts/']", "href");
    check(href, "no account link on the admin's accounts page");
    ctx.adminAccountUrl = href;
  });

  await step("keyboard: the first Tab reaches the skip link, which jumps to the main content", salma, async () => {
    await visit(salma, `${ENV.a}/`);
    await salma.keyboard.press("Tab");
    const focused = await salma.evaluate(() => [document.activeElement?.className, document.activeElement?.getAttribute("href")]);
    check(focused[0] === "skip" && focused[1] === "#main", `the first Tab focuses ${JSON.stringify(focused)}`);
    const box = await salma.locator("a.skip").boundingBox();
    check(box && box.x >= 0 && box.width > 0, "the focused skip link is not visible on screen");
    await salma.keyboard.press("Enter");
    check(new URL(salma.url()).hash === "#main", `Enter on the skip link went to ${salma.url()}`);
  });

  await step("salma posts through the composer and sees her post at home", salma, async () => {
    await visit(salma, `${ENV.a}/`);
    await salma.fill("#compose-text", TEXT.salma);
    await submit(salma, "form.composer");
    await until("salma's post on her home timeline", async () => {
      await visit(salma, `${ENV.a}/`);
      return (await mainText(salma)).includes(TEXT.salma);
    });
  });

  await step(`salma follows bob@${ENV.bDomain} with the remote-follow form`, salma, async () => {
    await visit(salma, `${ENV.a}/`);
    await salma.click("details.remote-follow summary");
    await salma.fill("#remote-handle", `bob@${ENV.bDomain}`);
    await submit(salma, 'form[action="/follow"]');
    await until("B to accept the follow (the profile offers Unfollow)", async () => {
      await visit(salma, `${ENV.a}/@bob@${ENV.bDomain}`);
      const button = salma.locator("main form button[type=submit]").first();
      return (await button.innerText()).trim() === t.en.unfollow;
    });
  });

  await step("bob posts through the composer on B", bob, async () => {
    await visit(bob, `${ENV.b}/`);
    await bob.fill("#compose-text", TEXT.bob);
    await submit(bob, "form.composer");
  });

  await step("bob's post reaches salma's home timeline on A", salma, async () => {
    await until("bob's post on A's home timeline", async () => {
      await visit(salma, `${ENV.a}/`);
      return (await mainText(salma)).includes(TEXT.bob);
    });
  });

  await step("salma replies from the thread of bob's post", salma, async () => {
    const article = salma.locator("article.status", { hasText: TEXT.bob }).first();
    await Promise.all([salma.waitForNavigation(), article.locator("time").click()]);
    ctx.threadUrl = new URL(salma.url()).pathname;
    // The reply box starts with the mention of bob, as Mastodon's does; write after it.
    const prefilled = await salma.inputValue("#compose-text");
    check(prefilled.includes(`@bob@${ENV.bDomain}`), `the reply box starts with "${prefilled}", not bob's handle`);
    await salma.fill("#compose-text", `${prefilled}${TEXT.reply}`);
    await submit(salma, "form.composer");
    await until("the reply under bob's post", async () => {
      await visit(salma, `${ENV.a}${ctx.threadUrl}`);
      const replies = salma.locator("section.replies");
      return (await replies.count()) === 1 && (await replies.innerText()).includes(TEXT.reply);
    });
  });

  await step("bob sees salma's reply in his notifications on B", bob, async () => {
    await until("the mention notification on B", async () => {
      await visit(bob, `${ENV.b}/notifications`);
      return (await mainText(bob)).includes(TEXT.reply);
    });
  });

  await step("the composer works with JavaScript off", salma, async () => {
    const noJs = await browser.newContext({ ...PHONE, javaScriptEnabled: false, storageState: await salmaCtx.storageState() });
    const page = await noJs.newPage();
    await visit(page, `${ENV.a}/`);
    await page.fill("#compose-text", TEXT.nojs);
    await submit(page, "form.composer");
    await until("the post written without JavaScript", async () => {
      await visit(page, `${ENV.a}/@${USER}`);
      return (await mainText(page)).includes(TEXT.nojs);
    });
    await noJs.close();
  });

  await step("settings: a new account's form shows empty fields, and saving keeps them empty", salma, async () => {
    await visit(salma, `${ENV.a}/settings`);
    const empty = async () => {
      for (const id of ["#set-name", "#set-bio", "#set-languages", "#set-region"]) {
        const v = await salma.inputValue(id);
        check(!/^none$/i.test(v.trim()), `${id} shows "${v}" for a value never set`);
      }
    };
    await empty();
    await salma.fill("#set-name", "Salma B.");
    await submit(salma, 'form[action="/settings"]');
    check((await salma.locator('[role="status"]').count()) === 1, "no confirmation after saving");
    await visit(salma, `${ENV.a}/settings`);
    check((await salma.inputValue("#set-name")) === "Salma B.", "the display name was not saved");
    await empty();
  });

  for (const [lang, dir] of [["ar", "rtl"], ["fr", "ltr"]]) {
    await step(`salma switches to ${lang}: dir="${dir}" and translated navigation`, salma, async () => {
      await switchLanguage(salma, ENV.a, lang);
      const html = await salma.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
      check(html[0] === lang && html[1] === dir, `<html lang="${html[0]}" dir="${html[1]}">`);
      for (const [key, href] of [["nav-home", "/"], ["nav-notifications", "/notifications"], ["nav-local", "/local"],
        ["nav-federated", "/federated"], ["nav-profile", `/@${USER}`], ["nav-settings", "/settings"]]) {
        const text = (await salma.locator(`header nav a[href="${href}"]`).innerText()).trim();
        check(text === t[lang][key], `navigation link ${href} says "${text}", expected ${lang} "${t[lang][key]}"`);
        check(text !== t.en[key] || t[lang][key] === t.en[key], `${href} is still in English`);
      }
      // The setting sticks: a fresh page load keeps the language.
      await visit(salma, `${ENV.a}/settings`);
      check((await salma.getAttribute("html", "lang")) === lang, "the language did not stick");
    });
  }
  await step("salma switches back to English", salma, () => switchLanguage(salma, ENV.a, "en"));

  await step("bob posts a picture with alt text through the composer on B", bob, async () => {
    await visit(bob, `${ENV.b}/`);
    await bob.fill("#compose-text", TEXT.picture);
    await bob.click("form.composer details.compose-images summary");
    await bob.setInputFiles("#compose-image1", join(ROOT, "frontend/static/thumbnail.png"));
    await bob.fill("#compose-alt1", TEXT.alt);
    await submit(bob, "form.composer");
    check(
      (await bob.locator("article.status", { hasText: TEXT.picture }).locator(".media img").count()) === 1,
      "bob's post with the picture is not on his home timeline",
    );
  });

  await step("the picture reaches salma's home from A's cache: alt text, width and height, lazy loading", salma, async () => {
    // A downloads and resizes remote pictures after the post arrives: poll until it serves its copy.
    await until("bob's picture, served by A, on A's home timeline", async () => {
      await visit(salma, `${ENV.a}/`);
      const img = salma.locator("article.status", { hasText: TEXT.picture }).locator(".media img");
      check((await img.count()) === 1, "the post with the picture is not there");
      check((await img.getAttribute("alt")) === TEXT.alt, `alt is "${await img.getAttribute("alt")}"`);
      check((await img.getAttribute("loading")) === "lazy", "the picture is not lazy-loaded");
      for (const a of ["width", "height"]) check(Number(await img.getAttribute(a)) > 0, `the picture has no ${a}`);
      const src = new URL(await img.getAttribute("src"), ENV.a);
      check(src.origin === new URL(ENV.a).origin, `the picture still comes from ${src.origin}`);
      await img.scrollIntoViewIfNeeded();
      const loaded = await img.evaluate((e) => (e.complete && e.naturalWidth > 0) || new Promise((done) => {
        e.addEventListener("load", () => done(e.naturalWidth > 0));
        e.addEventListener("error", () => done(false));
        setTimeout(() => done(false), 5000);
      }));
      check(loaded, "the picture does not load");
      return true;
    });
  });

  await plnSteps({ ctx, salma, bob, user: USER });
}

/** Every page of PAGES in every language: axe, weight, compression, screenshot. */
async function pagesInEveryLanguage() {
  const missing = new Set();
  for (const lang of LANGS) {
    const anonCtx = await newContext({ locale: lang });
    await step(`the signed-in users switch to ${lang}`, salma, async () => {
      await switchLanguage(salma, ENV.a, lang);
      await switchLanguage(bob, ENV.b, lang);
      await switchLanguage(admin, ENV.a, lang);
    }, { critical: false });
    const viewers = {};
    // The language is the account's setting: set it on the flow's pages, then audit on fresh
    // pages with the cache off.
    for (const [who, context, base] of [["a", salmaCtx, ENV.a], ["b", bobCtx, ENV.b], ["admin", adminCtx, ENV.a], ["anon", anonCtx, ENV.a]]) {
      const page = await context.newPage();
      await noCache(context, page);
      viewers[who] = { page, base, rec: record(page) };
    }
    for (const p of PAGES) {
      if (ENV.only.length && !ENV.only.includes(p.name)) continue;
      if (missing.has(p.name)) continue;
      const { page, base, rec } = viewers[p.who];
      const target = typeof p.url === "function" ? p.url(ctx) : p.url;
      await step(`${p.name} [${lang}]`, page, async () => {
        if (!target) throw new Skip("an earlier step did not create it");
        const url = target.startsWith("http") ? target : base + target;
        reset(rec);
        const r = await page.goto(url, { waitUntil: "load" });
        if (p.optional && r && r.status() === 404) {
          missing.add(p.name);
          throw new Skip(`${url} answers 404 (page not built yet)`);
        }
        check(r && r.status() === 200, `${url} answered HTTP ${r && r.status()}`);
        const w = await audit(page, rec, { name: p.name, lang, notes });
        rows.push({ name: p.name, lang, ...w });
      }, { critical: false });
    }
    await anonCtx.close();
    for (const v of [viewers.a, viewers.b, viewers.admin]) await v.page.close();
  }
}

let aborted = null;
try {
  await flow();
} catch (e) {
  if (!(e instanceof Abort)) {
    results.failed.push(`unexpected: ${e.message}`);
    console.log(`FAIL unexpected error: ${e.stack}`);
  }
  aborted = e;
}
if (!aborted) {
  try {
    await pagesInEveryLanguage();
  } catch (e) {
    results.failed.push(`unexpected: ${e.message}`);
    console.log(`FAIL unexpected error: ${e.stack}`);
  }
}
await browser.close();

if (rows.length) {
  const table = weightTable(rows);
  const biggest = rows.reduce((m, r) => (r.total > m.total ? r : m), rows[0]);
  console.log(`\nPage weights (compressed bytes received, cache off; budget ${BUDGET_BYTES} B):\n${table}`);
  console.log(`heaviest: ${biggest.name} [${biggest.lang}] ${biggest.total} B`);
  writeOut("weights.md", `${table}\n`);
}
if (notes.length) console.log(`\nNotes (axe moderate/minor, not failing):\n  ${[...new Set(notes)].join("\n  ")}`);
if (results.skipped.length) console.log(`\nSkipped:\n  ${results.skipped.join("\n  ")}`);
console.log(`\n${results.passed} passed, ${results.failed.length} failed, ${results.skipped.length} skipped`);
if (results.failed.length) {
  console.log(`failed:\n  ${results.failed.join("\n  ")}`);
  process.exit(1);
}
