//! The community web pages as a browser uses them, across two nodes: a circle created, joined
//! from the other node's page (approval: "request sent"), moderated (requests, posts, members;
//! refused to non-moderators) and posted to; a collection created and filled from the web
//! (from a resource's page, by URL, reordered, edited) and followed from the other node
//! (pending until the curator accepts); composer images with alt text shown with their size;
//! the institution directory; "follow from another server" and `/authorize_interaction`;
//! Arabic pages right to left and CSRF refusals.
use crate::{
    api_client::ApiClient,
    harness::cluster,
    images::noise_png,
    web_browser::{Answer, browser, get, log_in, post, post_multipart, wait_for_page},
};
use halqa::service::institutions;
use serde_json::{Value, json};

#[tokio::test]
async fn web_community_circle_joined_from_another_node_and_moderated() {
    let [a, b] = cluster::<2>().await;
    let http = browser();
    for (node, name) in [(&a, "amina"), (&a, "carol"), (&b, "bilal")] {
        node.create_user(name).await;
    }
    let amina = log_in(&http, &a, "amina").await;
    let carol = log_in(&http, &a, "carol").await;
    let bilal = log_in(&http, &b, "bilal").await;

    // The creation form, then a circle whose members a moderator admits.
    let form = get(&http, &a, "/circles/new", &amina, "en").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"subjects[]\""), "{}", form.body);
    let csrf = form.csrf();
    // A refused name comes back with what was typed.
    let refused = post(
        &http,
        &a,
        "/circles",
        &amina,
        &[
            ("csrf", &csrf),
            ("name", "Bad Name!"),
            ("display_name", "Maths au collège"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("value=\"Maths au collège\""));
    let created = post(
        &http,
        &a,
        "/circles",
        &amina,
        &[
            ("csrf", &csrf),
            ("name", "maths"),
            ("display_name", "Maths au collège"),
            (
                "description",
                "Entraide entre enseignants de mathématiques.",
            ),
            ("subjects[]", "mathematics"),
            ("visibility", "approval"),
            ("rules", "Bienveillance."),
        ],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let circle_path = created.location();
    assert_eq!(circle_path, format!("/@{}", a.handle("maths")));
    let page = get(&http, &a, &circle_path, &amina, "en").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Maths au collège"));
    assert!(page.body.contains("Members approved by moderators"));
    assert!(page.body.contains("Join requests"), "the moderator's view");
    let circle_id = page.id_after("/circles/").unwrap();
    // The circle's actor URL answers browsers with the same page, and AS2 clients with JSON.
    let actor_url = format!("{}/users/maths", a.base);
    let by_actor = get(&http, &a, &actor_url, "", "en").await;
    assert!(by_actor.body.contains("Maths au collège"));
    let as2: Value = reqwest::Client::new()
        .get(&actor_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(as2["type"], "Group");
    // Arabic, right to left; the list of circles has it.
    let ar = get(&http, &a, &circle_path, "", "ar").await;
    assert!(ar.body.contains("dir=\"rtl\""));
    assert!(ar.body.contains("أعضاء يقبلهم المشرفون"), "{}", ar.body);
    let list = get(&http, &a, "/circles", "", "fr").await;
    assert!(list.body.contains("Maths au collège") && list.body.contains("Cercles"));

    // Bilal on B finds the circle through /authorize_interaction and asks to join.
    let found = get(
        &http,
        &b,
        &format!("/authorize_interaction?uri=acct:{}", a.handle("maths")),
        &bilal,
        "en",
    )
    .await;
    assert_eq!(found.status, 303, "{}", found.body);
    let on_b = found.location();
    assert_eq!(on_b, format!("/@{}", a.handle("maths")));
    let remote = get(&http, &b, &on_b, &bilal, "en").await;
    assert!(remote.body.contains("Ask to join"), "{}", remote.body);
    let id_on_b = remote.id_after("/circles/").unwrap();
    // Without the token: refused, nothing sent.
    let forged = post(&http, &b, &format!("/circles/{id_on_b}/join"), &bilal, &[]).await;
    assert_eq!(forged.status, 403);
    let joined = post(
        &http,
        &b,
        &format!("/circles/{id_on_b}/join"),
        &bilal,
        &[("csrf", &remote.csrf())],
    )
    .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    let pending = get(&http, &b, &on_b, &bilal, "en").await;
    assert!(pending.body.contains("Request sent"), "{}", pending.body);

    // The request reaches A; a member who is not a moderator cannot answer it.
    let with_request = wait_for_page(&a, &circle_path, &amina, "bilal's join request", |p| {
        p.contains(&format!("@{}", b.handle("bilal")))
    })
    .await;
    let request = Answer::page(with_request);
    let bilal_on_a = request
        .id_after(&format!("/circles/{circle_id}/requests/"))
        .unwrap();
    let carol_page = get(&http, &a, &circle_path, &carol, "en").await;
    assert!(!carol_page.body.contains("Join requests"));
    let not_moderator = post(
        &http,
        &a,
        &format!("/circles/{circle_id}/requests/{bilal_on_a}/accept"),
        &carol,
        &[("csrf", &carol_page.csrf())],
    )
    .await;
    assert_eq!(not_moderator.status, 403, "{}", not_moderator.body);
    let accepted = post(
        &http,
        &a,
        &format!("/circles/{circle_id}/requests/{bilal_on_a}/accept"),
        &amina,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);

    // Bilal is a member on B and posts to the circle from its page there.
    let member = wait_for_page(&b, &on_b, &bilal, "bilal's membership", |p| {
        p.contains("You are a member of this circle.")
    })
    .await;
    assert!(member.contains("Post to this circle"));
    let posted = post(
        &http,
        &b,
        &format!("/circles/{id_on_b}/post"),
        &bilal,
        &[("csrf", &remote.csrf()), ("status", "Bonjour le cercle !")],
    )
    .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert!(posted.location().starts_with("/web/statuses/"));

    // The circle announces it on A; a moderator takes it out, then removes the member.
    let shared = wait_for_page(&a, &circle_path, &amina, "the announced post", |p| {
        p.contains("Bonjour le cercle")
    })
    .await;
    let shared = Answer::page(shared);
    let post_id = shared
        .id_after(&format!("/circles/{circle_id}/statuses/"))
        .unwrap();
    let not_moderator = post(
        &http,
        &a,
        &format!("/circles/{circle_id}/statuses/{post_id}/remove"),
        &carol,
        &[("csrf", &carol_page.csrf())],
    )
    .await;
    assert_eq!(not_moderator.status, 403);
    let removed = post(
        &http,
        &a,
        &format!("/circles/{circle_id}/statuses/{post_id}/remove"),
        &amina,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let after = get(&http, &a, &circle_path, &amina, "en").await;
    assert!(!after.body.contains("Bonjour le cercle"), "{}", after.body);
    let gone = post(
        &http,
        &a,
        &format!("/circles/{circle_id}/members/{bilal_on_a}/remove"),
        &amina,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    let after = get(&http, &a, &circle_path, &amina, "en").await;
    assert!(!after.body.contains(&format!("@{}", b.handle("bilal"))));
}

async fn publish_resource(teacher: &ApiClient, title: &str) -> Value {
    teacher
        .post_ok(
            "/api/v1/pln/resources",
            json!({
                "title": title,
                "description": "Une séance complète.",
                "license": "CC-BY-4.0",
                "resource_type": "lesson_plan",
                "subjects": ["mathematics"],
                "levels": ["middle"],
                "languages": ["fr"],
            }),
        )
        .await
}

#[tokio::test]
async fn web_community_collection_built_on_one_node_and_followed_from_another() {
    let [a, b] = cluster::<2>().await;
    for (node, peer) in [(&a, &b), (&b, &a)] {
        institutions::refresh_host(&node.data(), &peer.domain)
            .await
            .unwrap();
    }
    let http = browser();
    let teacher = ApiClient::new(&b, "bob").await;
    b.create_user("carol").await;
    a.create_user("amina").await;
    let r1 = publish_resource(&teacher, "Les fractions : introduction").await;
    let r2 = publish_resource(&teacher, "Fractions équivalentes").await;
    let bob = log_in(&http, &b, "bob").await;
    let carol = log_in(&http, &b, "carol").await;
    let amina = log_in(&http, &a, "amina").await;

    // My collections, with the creation form; an approval-required collection.
    let mine = get(&http, &b, "/collections", &bob, "en").await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("You have no collections yet."));
    let csrf = mine.csrf();
    let created = post(
        &http,
        &b,
        "/collections",
        &bob,
        &[
            ("csrf", &csrf),
            ("title", "Fractions au collège"),
            ("description", "Un parcours en deux séances."),
            ("subjects[]", "mathematics"),
            ("visibility", "approval"),
        ],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let coll_path = created.location();
    let cid = coll_path.trim_start_matches("/collections/").to_string();

    // "Add to collection" on the resource's page, then a second resource by its URL.
    let r1_page = get(&http, &b, r1["url"].as_str().unwrap(), &bob, "en").await;
    assert!(
        r1_page.body.contains("Add to a collection"),
        "{}",
        r1_page.body
    );
    assert!(r1_page.body.contains(&format!("<option value=\"{cid}\"")));
    let added = post(
        &http,
        &b,
        "/collections/items",
        &bob,
        &[
            ("csrf", &csrf),
            ("collection_id", &cid),
            ("resource_id", r1["id"].as_str().unwrap()),
            ("note", "Pour commencer"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(added.location(), coll_path);
    let added = post(
        &http,
        &b,
        &format!("/collections/{cid}/items"),
        &bob,
        &[("csrf", &csrf), ("resource", r2["url"].as_str().unwrap())],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    // Only the owner adds.
    let refused = post(
        &http,
        &b,
        &format!("/collections/{cid}/items"),
        &carol,
        &[
            ("csrf", &get(&http, &b, "/", &carol, "en").await.csrf()),
            ("resource", r2["url"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // Reorder with the "move up" button: the second comes first.
    let page = get(&http, &b, &coll_path, &bob, "en").await;
    let first = page.body.find("Les fractions : introduction").unwrap();
    let second = page.body.find("Fractions équivalentes").unwrap();
    assert!(first < second);
    assert!(page.body.contains("Pour commencer"));
    let up = page
        .id_after(&format!("/collections/{cid}/items/"))
        .unwrap();
    // The first item has no "up" button: the first id after the prefix is r1's (its "down").
    let second_item = {
        let at = page.body.find("/up\"").unwrap();
        let before = &page.body[..at];
        before[before.rfind('/').unwrap() + 1..].to_string()
    };
    assert_ne!(up, second_item);
    let moved = post(
        &http,
        &b,
        &format!("/collections/{cid}/items/{second_item}/up"),
        &bob,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let page = get(&http, &b, &coll_path, &bob, "en").await;
    assert!(
        page.body.find("Fractions équivalentes").unwrap()
            < page.body.find("Les fractions : introduction").unwrap()
    );

    // Amina on A opens it through /authorize_interaction and asks to follow.
    let coll_url = format!("{}{coll_path}", b.base);
    let found = get(
        &http,
        &a,
        &format!(
            "/authorize_interaction?uri={}",
            form_urlencoded::byte_serialize(coll_url.as_bytes()).collect::<String>()
        ),
        &amina,
        "en",
    )
    .await;
    assert_eq!(found.status, 303, "{}", found.body);
    let on_a = found.location();
    assert!(on_a.starts_with("/web/collections/"), "{on_a}");
    let remote = get(&http, &a, &on_a, &amina, "en").await;
    assert_eq!(remote.status, 200);
    assert!(remote.body.contains("Fractions au collège"));
    assert!(remote.body.contains("shown to the followers"));
    let id_on_a = on_a.trim_start_matches("/web/collections/");
    let followed = post(
        &http,
        &a,
        &format!("/collections/{id_on_a}/follow"),
        &amina,
        &[("csrf", &remote.csrf())],
    )
    .await;
    assert_eq!(followed.status, 303, "{}", followed.body);
    let pending = get(&http, &a, &on_a, &amina, "en").await;
    assert!(
        pending.body.contains("waiting for the curator"),
        "{}",
        pending.body
    );

    // Bob sees the request on B and accepts it (not without the token).
    let with_request = wait_for_page(&b, &coll_path, &bob, "amina's follow request", |p| {
        p.contains(&format!("@{}", a.handle("amina")))
    })
    .await;
    let with_request = Answer::page(with_request);
    let amina_on_b = with_request
        .id_after(&format!("/collections/{cid}/requests/"))
        .unwrap();
    let forged = post(
        &http,
        &b,
        &format!("/collections/{cid}/requests/{amina_on_b}/accept"),
        &bob,
        &[("csrf", "forged")],
    )
    .await;
    assert_eq!(forged.status, 403);
    let accepted = post(
        &http,
        &b,
        &format!("/collections/{cid}/requests/{amina_on_b}/accept"),
        &bob,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);

    // On A: following, and the items in the curator's order.
    let following = wait_for_page(&a, &on_a, &amina, "the accepted follow with items", |p| {
        p.contains("You follow this collection.") && p.contains("Fractions équivalentes")
    })
    .await;
    assert!(
        following.find("Fractions équivalentes").unwrap()
            < following.find("Les fractions : introduction").unwrap()
    );

    // The owner edits and removes an item; Arabic page right to left.
    let edited = post(
        &http,
        &b,
        &format!("/collections/{cid}/edit"),
        &bob,
        &[
            ("csrf", &csrf),
            ("title", "Fractions (collège)"),
            ("description", "Deux séances."),
            ("visibility", "approval"),
        ],
    )
    .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let removed = post(
        &http,
        &b,
        &format!("/collections/{cid}/items/{second_item}/remove"),
        &bob,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let page = get(&http, &b, &coll_path, &bob, "en").await;
    assert!(page.body.contains("Fractions (collège)"));
    assert!(!page.body.contains("Fractions équivalentes"));
    let ar = get(&http, &b, &coll_path, "", "ar").await;
    assert!(ar.body.contains("dir=\"rtl\"") && ar.body.contains("متابعون يقبلهم المنسّق"));
    let mine = get(&http, &b, "/collections", &bob, "en").await;
    assert!(mine.body.contains("Fractions (collège)"));
    // A private collection is its owner's alone: its page under /web/collections/, 404 to others.
    let private = post(
        &http,
        &b,
        "/collections",
        &bob,
        &[
            ("csrf", &csrf),
            ("title", "Brouillons"),
            ("visibility", "private"),
        ],
    )
    .await;
    assert_eq!(private.status, 303, "{}", private.body);
    let private_path = private.location();
    assert!(
        private_path.starts_with("/web/collections/"),
        "{private_path}"
    );
    let own = get(&http, &b, &private_path, &bob, "en").await;
    assert!(own.body.contains("Brouillons") && !own.body.contains("Follow this collection"));
    let other = get(&http, &b, &private_path, &carol, "en").await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn web_community_composer_images_institutions_and_remote_follow() {
    let [a, b] = cluster::<2>().await;
    let http = browser();
    a.create_user("amina").await;
    b.create_user("bilal").await;
    let amina = log_in(&http, &a, "amina").await;

    // The composer takes images with alt text (multipart, no JavaScript needed).
    let home = get(&http, &a, "/", &amina, "en").await;
    assert!(home.body.contains("enctype=\"multipart/form-data\""));
    assert!(home.body.contains("name=\"image4\"") && home.body.contains("name=\"alt1\""));
    let csrf = home.csrf();
    let png = noise_png(600, 400);
    let posted = post_multipart(
        &http,
        &a,
        "/compose",
        &amina,
        &[
            ("csrf", &csrf),
            ("status", "La carte de la séance"),
            ("visibility", "public"),
            ("alt1", "Une carte du Maroc"),
            ("alt2", ""),
        ],
        &[("image1", &png), ("image2", b"")],
    )
    .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let thread = get(&http, &a, &posted.location(), &amina, "en").await;
    let at = thread
        .body
        .find("alt=\"Une carte du Maroc\"")
        .expect("the alt text");
    let tag_start = thread.body[..at].rfind("<img").unwrap();
    let tag = &thread.body[tag_start..at + thread.body[at..].find('>').unwrap()];
    assert!(
        tag.contains("width=\"400\"") && tag.contains("height=\""),
        "{tag}"
    );
    assert!(tag.contains("loading=\"lazy\""), "{tag}");
    let src_at = tag.find("src=\"").unwrap() + 5;
    // minijinja escapes `/` in attributes.
    let src = tag[src_at..src_at + tag[src_at..].find('"').unwrap()].replace("&#x2f;", "/");
    assert!(src.contains("_small"), "the resized preview: {src}");
    let preview = http.get(&src).send().await.unwrap();
    assert_eq!(preview.status(), 200);
    // Only one image was chosen.
    assert_eq!(thread.body.matches("loading=\"lazy\"").count(), 1);
    // Without the token, and with a fifth image: refused.
    let forged = post_multipart(
        &http,
        &a,
        "/compose",
        &amina,
        &[("status", "x")],
        &[("image1", &png)],
    )
    .await;
    assert_eq!(forged.status, 403);
    let fifth = post_multipart(
        &http,
        &a,
        "/compose",
        &amina,
        &[("csrf", &csrf), ("status", "x")],
        &[("image5", &png)],
    )
    .await;
    assert_eq!(fifth.status, 422, "{}", fifth.body);

    // The institution directory: this node, then the Halqa nodes met.
    institutions::refresh_host(&a.data(), &b.domain)
        .await
        .unwrap();
    let dir = get(&http, &a, "/institutions", "", "ar").await;
    assert_eq!(dir.status, 200);
    assert!(dir.body.contains("dir=\"rtl\"") && dir.body.contains("المؤسسات"));
    assert!(dir.body.contains(&format!("/institutions/{}", a.domain)));
    assert!(dir.body.contains(&format!("/institutions/{}", b.domain)));
    let own = get(&http, &a, &format!("/institutions/{}", a.domain), "", "fr").await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("ce serveur"));
    let unknown = get(&http, &a, "/institutions/nowhere.example", "", "en").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("<html"));
    // The institution's actor URL leads browsers to its page.
    let actor = get(&http, &a, "/@institution", "", "en").await;
    assert_eq!(actor.status, 303);
    assert_eq!(actor.location(), format!("/institutions/{}", a.domain));

    // Follow from another server: a visitor of amina's profile types their address on B.
    let profile = get(&http, &a, "/@amina", "", "en").await;
    assert!(profile.body.contains("Follow from another server"));
    let visitor = format!("halqa_csrf={}", profile.cookie("halqa_csrf").unwrap());
    let amina_uri = format!("{}/users/amina", a.base);
    let sent = post(
        &http,
        &a,
        "/remote_follow",
        &visitor,
        &[
            ("csrf", &profile.csrf()),
            ("acct", &format!("@{}", b.handle("bilal"))),
            ("uri", &amina_uri),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let target = sent.location();
    let expected = format!(
        "{}/authorize_interaction?uri={}",
        b.base,
        form_urlencoded::byte_serialize(amina_uri.as_bytes()).collect::<String>()
    );
    assert_eq!(target, expected);
    let bad = post(
        &http,
        &a,
        "/remote_follow",
        &visitor,
        &[
            ("csrf", &profile.csrf()),
            ("acct", "not a handle"),
            ("uri", &amina_uri),
        ],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("could not be reached"), "{}", bad.body);
    // On B: signed out, the login page; signed in, amina's profile with the follow button.
    // Signed out: the login page, which brings the visitor back here afterwards.
    let anonymous = get(&http, &b, &target, "", "en").await;
    assert_eq!(anonymous.status, 303);
    let to_login = anonymous.location();
    assert!(
        to_login.starts_with("/login?return_to=%2Fauthorize_interaction%3Furi%3D"),
        "{to_login}"
    );
    let bilal = log_in(&http, &b, "bilal").await;
    let shown = get(&http, &b, &target, &bilal, "en").await;
    assert_eq!(shown.status, 303, "{}", shown.body);
    assert_eq!(shown.location(), format!("/@{}", a.handle("amina")));
    let profile_on_b = get(&http, &b, &shown.location(), &bilal, "en").await;
    assert!(
        profile_on_b
            .body
            .contains(&format!("/@{}/follow", a.handle("amina")))
    );
    let nothing = get(
        &http,
        &b,
        "/authorize_interaction?uri=https%3A%2F%2Fnowhere.invalid%2Fx",
        &bilal,
        "en",
    )
    .await;
    assert_eq!(nothing.status, 404);
    assert!(nothing.body.contains("Nothing was found"));
}
