//! The main pages the browser checks in every language (axe, weight, screenshot). One line per
//! page: who looks at it (`a`: salma signed in on node A, `b`: bob signed in on node B, `anon`:
//! a visitor on node A), its name (the screenshot's file name), and its URL — a path on that
//! node, or a function of what the scenario created. `optional` pages are being built: a 404
//! skips them with a note instead of failing; drop the flag once the page exists.
export const PAGES = [
  { who: "anon", name: "welcome", url: "/" },
  { who: "anon", name: "login", url: "/login" },
  { who: "anon", name: "signup", url: "/signup" },
  { who: "a", name: "home", url: "/" },
  { who: "a", name: "local", url: "/local" },
  { who: "a", name: "federated", url: "/federated" },
  { who: "a", name: "thread", url: (ctx) => ctx.threadUrl },
  { who: "a", name: "profile", url: (ctx) => `/@${ctx.user}` },
  { who: "a", name: "remote-profile", url: (ctx) => `/@bob@${ctx.bDomain}` },
  { who: "a", name: "notifications", url: "/notifications" },
  { who: "b", name: "notifications-b", url: "/notifications" },
  { who: "a", name: "settings", url: "/settings" },
  { who: "a", name: "search", url: "/search?q=fractions" },
  { who: "a", name: "mentorship", url: "/mentorship" },
  { who: "a", name: "mentorship-requests", url: "/mentorship/requests" },
  { who: "b", name: "mentorship-offer", url: (ctx) => ctx.offerUrl },
  { who: "a", name: "resource", url: (ctx) => ctx.resourceUrl },
  { who: "a", name: "collection", url: (ctx) => ctx.collectionUrl },
  { who: "a", name: "circle", url: (ctx) => ctx.circleUrl },
  { who: "a", name: "institutions", url: "/institutions" },
  { who: "a", name: "circles", url: "/circles" },
  { who: "a", name: "my-collections", url: "/collections" },
  { who: "a", name: "resource-form", url: "/resources/new" },
  { who: "b", name: "offer-form", url: "/mentorship/offers/new" },
];
