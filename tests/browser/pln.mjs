//! The PLN steps of the browser scenario: bob publishes a mentorship offer on B and salma
//! requests it from A; salma publishes a resource, puts it in a new collection, and opens a
//! circle. Their web forms are being built, so the data is set up through the PLN API (`onA`,
//! `onB`: tokens by the OAuth password grant, which run.sh enables) and the browser checks the
//! pages that show it. Each `api:` step should become a form-driven step once its page exists.
import { ENV, check, step, until, visit } from "./lib.mjs";

const OFFER_TITLE = "Préparer ses séquences de mathématiques — تحضير الدروس";
const RESOURCE_TITLE = "Les fractions au collège : fiche de séance";
const COLLECTION_TITLE = "Fractions : un parcours en trois séances";

export async function plnSteps({ ctx, salma, bob, user, onA, onB }) {
  const offer = await step("api: bob publishes a mentorship offer on B", null, () =>
    onB.post("/api/v1/pln/mentorship/offers", {
      title: OFFER_TITLE,
      description: "Un appel par semaine pour préparer vos séquences. #mentorat",
      subjects: ["mathematics"],
      levels: ["middle", "secondary"],
      languages: ["fr", "ar"],
      format: "online",
      region: "Rabat-Salé-Kénitra",
      capacity: 2,
    }));
  ctx.offerUrl = offer.url || offer.uri;

  await step("the offer's page on B shows its title", bob, async () => {
    await visit(bob, ctx.offerUrl);
    check((await bob.locator("main").innerText()).includes(OFFER_TITLE), "the title is not on the offer's page");
  });

  await step("api: salma finds the offer from A and requests it", null, async () => {
    const q = encodeURIComponent(offer.uri);
    const found = await until("the offer in A's search (resolve)", async () => {
      const r = await onA.get(`/api/v2/search?resolve=true&q=${q}`);
      return r.statuses?.find((s) => s.pln?.kind === "mentorship_offer");
    });
    const request = await onA.post(`/api/v1/pln/mentorship/offers/${found.pln.id}/requests`, {
      message: "Je débute au collège, j'aimerais un regard sur mes séquences.",
      goals: ["Planifier une unité sur les fractions"],
    });
    check(request.state === "pending", `the request is ${request.state}`);
  });

  await step("api: bob sees salma's request on B", null, () =>
    until("salma's request among bob's pending requests", async () => {
      const list = await onB.get("/api/v1/pln/mentorship/requests?role=mentor&state=pending");
      return list.find((r) => r.mentee?.acct === `${user}@${ENV.aDomain}`);
    }));

  const resource = await step("api: salma publishes a resource on A", null, () =>
    onA.post("/api/v1/pln/resources", {
      title: RESOURCE_TITLE,
      description: "Une séance complète : activité de découverte, trace écrite, exercices.",
      license: "CC-BY-SA-4.0",
      resource_type: "lesson_plan",
      subjects: ["mathematics"],
      levels: ["middle"],
      languages: ["fr", "ar"],
    }));
  ctx.resourceUrl = resource.url || resource.uri;

  await step("api: salma adds the resource to a new collection", null, async () => {
    const coll = await onA.post("/api/v1/pln/collections", {
      title: COLLECTION_TITLE,
      description: "De la découverte à l'évaluation.",
      subjects: ["mathematics"],
      levels: ["middle"],
      languages: ["fr"],
    });
    await onA.post(`/api/v1/pln/collections/${coll.id}/items`, { resource_id: resource.id, note: "Pour commencer" });
    ctx.collectionUrl = coll.url || coll.uri;
  });

  await step("the resource's and the collection's pages show them", salma, async () => {
    await visit(salma, ctx.resourceUrl);
    check((await salma.locator("main").innerText()).includes(RESOURCE_TITLE), "the title is not on the resource's page");
    await visit(salma, ctx.collectionUrl);
    const text = await salma.locator("main").innerText();
    check(text.includes(COLLECTION_TITLE), "the title is not on the collection's page");
    check(text.includes(RESOURCE_TITLE), "the collection's page does not list the resource");
  });

  await step("api: salma opens a circle on A", null, async () => {
    const circle = await onA.post("/api/v1/pln/circles", {
      name: "maths_rabat",
      display_name: "Maths — Rabat",
      description: "Professeurs de mathématiques de la région",
      subjects: ["mathematics"],
      levels: ["middle"],
      region: "Rabat-Salé-Kénitra",
      visibility: "public",
    });
    ctx.circleUrl = circle.url;
  });
}
