//! The PLN steps of the browser scenario, through the web forms: bob publishes a mentorship
//! offer on B; salma finds it from A by pasting its address into the search and requests it;
//! bob sees the request on B; salma publishes a resource, creates a collection, adds the resource
//! to it from the resource's page, and opens a circle.
import { ENV, check, step, submit, until, visit } from "./lib.mjs";

const OFFER_TITLE = "Préparer ses séquences de mathématiques — تحضير الدروس";
const RESOURCE_TITLE = "Les fractions au collège : fiche de séance";
const COLLECTION_TITLE = "Fractions : un parcours en trois séances";

/** Ticks the checkboxes `name[]` of the given values. */
async function tick(page, name, values) {
  for (const v of values) await page.check(`main input[name="${name}[]"][value="${v}"]`);
}

/** The text of the page's main landmark. */
const mainText = async (page) => page.locator("main").innerText();

export async function plnSteps({ ctx, salma, bob, user }) {
  await step("bob publishes a mentorship offer on B through its form", bob, async () => {
    await visit(bob, `${ENV.b}/mentorship/offers/new`);
    await bob.fill("#offer-title", OFFER_TITLE);
    await bob.fill("#offer-description", "Un appel par semaine pour préparer vos séquences. #mentorat");
    await tick(bob, "subjects", ["mathematics"]);
    await tick(bob, "levels", ["middle", "secondary"]);
    await tick(bob, "languages", ["fr", "ar"]);
    await bob.selectOption("#offer-format", "online");
    await bob.fill("#offer-region", "Rabat-Salé-Kénitra");
    await bob.fill("#offer-capacity", "2");
    await submit(bob, 'main form[method="post"]');
    check((await mainText(bob)).includes(OFFER_TITLE), "the new offer's page does not show its title");
    ctx.offerUrl = bob.url();
  });

  await step("salma finds the offer from A by its address and requests it", salma, async () => {
    await until("the offer in A's search (resolve)", async () => {
      await visit(salma, `${ENV.a}/search?q=${encodeURIComponent(ctx.offerUrl)}`);
      return (await salma.locator("main a", { hasText: OFFER_TITLE }).count()) > 0;
    });
    await Promise.all([
      salma.waitForNavigation({ waitUntil: "load" }),
      salma.locator("main a", { hasText: OFFER_TITLE }).first().click(),
    ]);
    await salma.fill("#request-message", "Je débute au collège, j'aimerais un regard sur mes séquences.");
    await salma.fill("#request-goals", "Planifier une unité sur les fractions");
    await submit(salma, 'form[action$="/request"]');
    check(
      (await salma.locator('form[action$="/withdraw"]').count()) > 0,
      "after requesting, the offer's page offers no withdrawal (the request is not pending)",
    );
  });

  await step("bob sees salma's request on his requests page on B", bob, () =>
    until("salma's request on /mentorship/requests", async () => {
      await visit(bob, `${ENV.b}/mentorship/requests`);
      return (await mainText(bob)).includes(`${user}@${ENV.aDomain}`);
    }));

  await step("salma publishes a resource on A through its form", salma, async () => {
    await visit(salma, `${ENV.a}/resources/new`);
    await salma.fill("#res-title", RESOURCE_TITLE);
    await salma.fill("#res-description", "Une séance complète : activité de découverte, trace écrite, exercices.");
    await salma.selectOption("#res-type", "lesson_plan");
    await salma.selectOption("#res-license", "CC-BY-SA-4.0");
    await tick(salma, "subjects", ["mathematics"]);
    await tick(salma, "levels", ["middle"]);
    await tick(salma, "languages", ["fr", "ar"]);
    await submit(salma, 'main form[method="post"]');
    check((await mainText(salma)).includes(RESOURCE_TITLE), "the new resource's page does not show its title");
    ctx.resourceUrl = salma.url();
  });

  await step("salma creates a collection and adds the resource from its page", salma, async () => {
    await visit(salma, `${ENV.a}/collections`);
    await salma.fill("#new-title", COLLECTION_TITLE);
    await salma.fill("#new-description", "De la découverte à l'évaluation.");
    await submit(salma, 'form[action="/collections"]');
    check((await mainText(salma)).includes(COLLECTION_TITLE), "the new collection's page does not show its title");
    ctx.collectionUrl = salma.url();
    await visit(salma, ctx.resourceUrl);
    await salma.selectOption("#add-to-collection", { label: COLLECTION_TITLE });
    await salma.fill("#add-to-note", "Pour commencer");
    await submit(salma, 'form[action="/collections/items"]');
  });

  await step("the collection's page lists the resource", salma, async () => {
    await visit(salma, ctx.collectionUrl);
    const text = await mainText(salma);
    check(text.includes(COLLECTION_TITLE), "the title is not on the collection's page");
    check(text.includes(RESOURCE_TITLE), "the collection's page does not list the resource");
  });

  await step("salma opens a circle on A through its form", salma, async () => {
    await visit(salma, `${ENV.a}/circles/new`);
    await salma.fill("#circle-name", "maths_rabat");
    await salma.fill("#circle-display", "Maths — Rabat");
    await salma.fill("#circle-description", "Professeurs de mathématiques de la région");
    await tick(salma, "subjects", ["mathematics"]);
    await salma.fill("#circle-region", "Rabat-Salé-Kénitra");
    await submit(salma, 'form[action="/circles"]');
    check((await mainText(salma)).includes("Maths — Rabat"), "the new circle's page does not show its name");
    ctx.circleUrl = salma.url();
  });

  await step("salma edits the circle's rules through its edit form", salma, async () => {
    await visit(salma, ctx.circleUrl);
    await submitLink(salma, "a[href$='/edit']");
    ctx.circleEditUrl = new URL(salma.url()).pathname;
    await salma.fill("#circle-rules", "Bienveillance et sources citées");
    await submit(salma, "form[action$='/edit']");
    const text = await mainText(salma);
    check(text.includes("The circle was saved."), "no notice after saving the circle");
  });
}

/** Follows the first link matching `selector` and waits for the page it leads to. */
async function submitLink(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}
