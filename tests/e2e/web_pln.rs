//! The PLN web pages as a browser uses them: a mentor on B publishes an offer through the web
//! form, a trainee on A finds it by pasting its address in the search page and in the
//! mentorship directory, requests it through the offer page's form, B's mentor accepts on his
//! offer's page, and both use the private space (goals, meetings, messages) that no one else may
//! open; the search page over people, posts, hashtags and PLN objects with facet filters; the
//! resource form with a file upload, validation that keeps what was typed (translated), edit and
//! delete with confirmation; CSRF refusals; Arabic pages right to left.
use crate::{
    harness::{TestNode, cluster},
    web_browser::Browser,
};
use halqa::{
    db,
    service::{institutions, resources},
};
use sea_orm::{ActiveModelTrait, Set};

/// Form pairs as the browser helpers take them.
fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Makes `node` read `peer`'s NodeInfo now (it knows it runs Halqa).
async fn knows_halqa(node: &TestNode, peer: &TestNode) {
    institutions::refresh_host(&node.data(), &peer.domain)
        .await
        .unwrap();
}

const OFFER_TITLE: &str = "Premiers pas en mathématiques";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mentorship_through_the_web_pages_of_two_nodes() {
    let [a, b] = cluster::<2>().await;
    let amina_actor = a.create_user("amina").await; // trainee on A
    // A trainee in mathematics: suggestions explain why an offer suits her.
    let mut row: halqa::db::entity::actor::ActiveModel = amina_actor.into();
    row.stage = Set(Some("trainee".into()));
    row.subjects = Set(r#"["mathematics"]"#.into());
    row.languages = Set(r#"["fr"]"#.into());
    row.update(&a.data().db.write).await.unwrap();
    b.create_user("bob").await; // mentor on B
    b.create_user("eve").await; // bystander on B
    for (node, peer) in [(&a, &b), (&b, &a)] {
        knows_halqa(node, peer).await;
    }
    let amina = Browser::log_in(&a, "amina").await;
    let bob = Browser::log_in(&b, "bob").await;
    let eve = Browser::log_in(&b, "eve").await;

    // Bob publishes an offer through the form.
    let form = bob.get("/mentorship/offers/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body
            .contains("name=\"subjects[]\" value=\"mathematics\"")
    );
    let csrf = form.csrf();
    let forged = bob
        .post(
            "/mentorship/offers/new",
            &[("csrf", "forged"), ("title", "x")],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    // A refused offer keeps what was typed, with the field named in the page's language.
    let refused = bob
        .post_in(
            "/mentorship/offers/new",
            &[
                ("csrf", &csrf),
                ("title", "Titre gardé"),
                ("description", "Une description gardée"),
                ("capacity", "2"),
            ],
            "fr",
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("value=\"Titre gardé\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Une description gardée"));
    assert!(
        refused.body.contains("Vérifiez ce champ : Matières"),
        "{}",
        refused.body
    );
    let created = bob
        .post(
            "/mentorship/offers/new",
            &[
                ("csrf", &csrf),
                ("title", OFFER_TITLE),
                (
                    "description",
                    "Un appel par semaine pour préparer vos séquences.",
                ),
                ("subjects[]", "mathematics"),
                ("levels[]", "secondary"),
                ("languages[]", "fr"),
                ("format", "online"),
                ("region", "Fès-Meknès"),
                ("capacity", "2"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let b_offer_path = created.location();
    let b_offer: i64 = b_offer_path
        .strip_prefix("/mentorship/offers/")
        .unwrap()
        .parse()
        .unwrap();
    let own_page = bob.get(&b_offer_path).await;
    assert_eq!(own_page.status, 200);
    assert!(own_page.body.contains(OFFER_TITLE));
    assert!(
        own_page.body.contains("Close the offer"),
        "{}",
        own_page.body
    );
    assert!(own_page.body.contains("No request is waiting."));
    let offer_uri = db::mentorship::get_offer(&b.data().db.read, b_offer)
        .await
        .unwrap()
        .ap_id;

    // Amina finds it on A by pasting its address in the search page.
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &offer_uri)
        .finish();
    let found = amina.get(&format!("/search?{q}")).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert!(found.body.contains(OFFER_TITLE), "{}", found.body);
    let a_offer = found
        .id_after("href=\"/mentorship/offers/")
        .expect("a link to the offer's page here");
    // Now in A's directory too, filtered, with her request form on its page.
    let suggested = amina.get("/mentorship").await;
    assert!(
        suggested.body.contains("Suggested for you"),
        "{}",
        suggested.body
    );
    assert!(
        suggested.body.contains("Same subject: Mathematics"),
        "{}",
        suggested.body
    );
    let directory = amina
        .get("/mentorship?subject=mathematics&open_only=1")
        .await;
    assert!(directory.body.contains(OFFER_TITLE), "{}", directory.body);
    let other = amina.get("/mentorship?subject=french").await;
    // (Suggestions come first on the page; the directory is after its heading.)
    let listed =
        |body: &str| body[body.find("id=\"directory-h\"").unwrap()..].contains(OFFER_TITLE);
    assert!(listed(&directory.body));
    assert!(!listed(&other.body));
    let wrong = amina.get("/mentorship?subject=astrology").await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let offer_path = format!("/mentorship/offers/{a_offer}");
    let page = amina.get(&offer_path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Request this mentorship"),
        "{}",
        page.body
    );
    // In Arabic, right to left.
    let ar = amina.get_in(&offer_path, "ar").await;
    assert!(ar.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(ar.body.contains("اطلب هذا التأطير"));
    let requested = amina
        .post(
            &format!("{offer_path}/request"),
            &[
                ("csrf", &page.csrf()),
                ("message", "Je débute en 1re année du collège."),
                ("goals", "Préparer une séquence\nGérer la classe"),
            ],
        )
        .await;
    assert_eq!(requested.status, 303, "{}", requested.body);
    let waiting = amina.get(&offer_path).await;
    assert!(
        waiting.body.contains("waiting for the mentor"),
        "{}",
        waiting.body
    );

    // Bob sees the request on his offer's page and accepts it there.
    let with_request = bob
        .wait_for("the request on the offer's page", &b_offer_path, |body| {
            body.contains("Je débute en 1re année du collège.")
        })
        .await;
    assert!(with_request.body.contains("Préparer une séquence"));
    let request_id = with_request
        .id_after("action=\"/mentorship/requests/")
        .unwrap();
    let stolen = eve
        .post(
            &format!("/mentorship/requests/{request_id}/accept"),
            &[("csrf", &eve.get("/mentorship").await.csrf())],
        )
        .await;
    assert_eq!(stolen.status, 404, "{}", stolen.body);
    let accepted = bob
        .post(
            &format!("/mentorship/requests/{request_id}/accept"),
            &[("csrf", &with_request.csrf())],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let b_space = accepted.location();
    assert!(b_space.starts_with("/mentorship/"), "{b_space}");
    let space = bob.get(&b_space).await;
    assert_eq!(space.status, 200, "{}", space.body);
    assert!(space.body.contains("Préparer une séquence"));
    assert!(space.body.contains("amina"));

    // Only the two parties: Eve gets the 403 page.
    let forbidden = eve.get(&b_space).await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    assert!(forbidden.body.contains("private to its mentor and mentee"));
    let anonymous = Browser::anonymous(&b).get(&b_space).await;
    assert_eq!(anonymous.status, 303);

    // Amina's space opens on A from her requests page.
    let mine = amina
        .wait_for("the mentorship on A", "/mentorship/requests", |body| {
            body.contains("Open the mentorship space")
        })
        .await;
    let a_space = mine.link_to("Open the mentorship space");
    assert!(a_space.starts_with("/mentorship/"), "{a_space}");
    let her_space = amina.get(&a_space).await;
    assert_eq!(her_space.status, 200, "{}", her_space.body);
    assert!(her_space.body.contains("Gérer la classe"));
    assert!(her_space.body.contains("bob"));

    // She adds a goal, logs a meeting and writes; a refused message keeps its text.
    let csrf = her_space.csrf();
    let goal = amina
        .post(
            &format!("{a_space}/goals"),
            &[("csrf", &csrf), ("title", "Observer une séance")],
        )
        .await;
    assert_eq!(goal.status, 303, "{}", goal.body);
    let meeting = amina
        .post(
            &format!("{a_space}/meetings"),
            &[
                ("csrf", &csrf),
                ("date", "2026-11-20"),
                ("notes", "Première rencontre, plan de travail."),
                ("next_steps", "Lire le programme."),
            ],
        )
        .await;
    assert_eq!(meeting.status, 303, "{}", meeting.body);
    let bad_date = amina
        .post(
            &format!("{a_space}/meetings"),
            &[
                ("csrf", &csrf),
                ("date", "demain"),
                ("notes", "Des notes à garder"),
            ],
        )
        .await;
    assert_eq!(bad_date.status, 422, "{}", bad_date.body);
    assert!(bad_date.body.contains("Des notes à garder"));
    assert!(bad_date.body.contains("Please check this field: Date"));
    let message = amina
        .post(
            &format!("{a_space}/messages"),
            &[("csrf", &csrf), ("content", "Merci pour votre accueil !")],
        )
        .await;
    assert_eq!(message.status, 303, "{}", message.body);
    let no_token = amina
        .post(&format!("{a_space}/messages"), &[("content", "forgé")])
        .await;
    assert_eq!(no_token.status, 403);

    // Bob sees all of it in his space on B (three deliveries, in any order).
    let his = bob
        .wait_for("amina's goal, meeting and message on B", &b_space, |body| {
            [
                "Merci pour votre accueil !",
                "Observer une séance",
                "Première rencontre, plan de travail.",
            ]
            .iter()
            .all(|text| body.contains(text))
        })
        .await;
    // Bob ticks a goal off; the offer's page of amina shows the space link.
    let goal_id = his.id_after(&format!("action=\"{b_space}/goals/")).unwrap();
    let ticked = bob
        .post(
            &format!("{b_space}/goals/{goal_id}"),
            &[("csrf", &his.csrf()), ("done", "true")],
        )
        .await;
    assert_eq!(ticked.status, 303, "{}", ticked.body);
    assert!(bob.get(&b_space).await.body.contains("<s>"));
    let accepted_page = amina.get(&offer_path).await;
    assert!(accepted_page.body.contains("Your request was accepted."));

    // Bob's requests page lists the decision and the mentorship.
    let requests = bob.get("/mentorship/requests").await;
    assert!(requests.body.contains("You mentor"), "{}", requests.body);
    assert!(requests.body.contains(OFFER_TITLE));

    // Eve (on B) requests too; Bob declines with a reason, which she reads on her page.
    let eve_page = eve.get(&b_offer_path).await;
    let eve_asks = eve
        .post(
            &format!("{b_offer_path}/request"),
            &[("csrf", &eve_page.csrf()), ("message", "Moi aussi ?")],
        )
        .await;
    assert_eq!(eve_asks.status, 303, "{}", eve_asks.body);
    let pending = bob.get(&b_offer_path).await;
    let eve_request = pending.id_after("action=\"/mentorship/requests/").unwrap();
    let declined = bob
        .post(
            &format!("/mentorship/requests/{eve_request}/decline"),
            &[
                ("csrf", &pending.csrf()),
                ("reason", "Plus de créneau ce trimestre"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(declined.status, 303, "{}", declined.body);
    assert_eq!(declined.location(), "/mentorship/requests");
    let hers = eve.get("/mentorship/requests").await;
    assert!(hers.body.contains("Declined"), "{}", hers.body);
    assert!(hers.body.contains("Plus de créneau ce trimestre"));

    // Bob edits, then closes the offer: no request form any more.
    let edit = bob.get(&format!("{b_offer_path}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains(&format!("value=\"{OFFER_TITLE}\"")));
    assert_eq!(eve.get(&format!("{b_offer_path}/edit")).await.status, 404);
    let renamed = bob
        .post(
            &format!("{b_offer_path}/edit"),
            &[
                ("csrf", &edit.csrf()),
                ("title", "Premiers pas, deuxième session"),
                ("description", "Un appel par semaine."),
                ("subjects[]", "mathematics"),
                ("capacity", "2"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let closed = bob
        .post(&format!("{b_offer_path}/close"), &[("csrf", &edit.csrf())])
        .await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    let after = eve.get(&b_offer_path).await;
    assert!(after.body.contains("Premiers pas, deuxième session"));
    assert!(
        after.body.contains("This offer is closed."),
        "{}",
        after.body
    );

    // Amina ends the mentorship with a word for Bob; the space stays readable, without forms.
    let her_space = amina.get(&a_space).await;
    let ended = amina
        .post(
            &format!("{a_space}/end"),
            &[
                ("csrf", &her_space.csrf()),
                ("reflection", "Merci, j'ai beaucoup appris."),
            ],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let his = bob
        .wait_for("the end of the mentorship on B", &b_space, |body| {
            body.contains("This mentorship has ended.")
        })
        .await;
    assert!(!his.body.contains("/messages\""), "{}", his.body);
}

#[tokio::test]
async fn search_and_the_resource_form() {
    let [node] = cluster::<1>().await;
    let author = node.create_user("karima").await;
    node.create_user("yassine").await;
    resources::set_default_license(&node.data(), &author, "CC-BY-SA-4.0")
        .await
        .unwrap();
    let karima = Browser::log_in(&node, "karima").await;
    let yassine = Browser::log_in(&node, "yassine").await;

    // The search page, empty, in Arabic for a visitor.
    let empty = Browser::anonymous(&node).get_in("/search", "ar").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(empty.body.contains("role=\"search\""));

    // The form: the default licence chosen, the vocabulary as choices.
    let form = karima.get("/resources/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        form.body
            .contains("<option value=\"CC-BY-SA-4.0\" selected>"),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"worksheet\""));
    let csrf = form.csrf();
    let fields = |title: &'static str, kind: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_string()),
            (
                "description",
                "Des exercices gradués sur les fractions.".to_string(),
            ),
            ("body", "## Consigne\n\nColorie **la moitié**.".to_string()),
            ("resource_type", kind.to_string()),
            ("license", "CC-BY-SA-4.0".to_string()),
            ("subjects[]", "mathematics".to_string()),
            ("levels[]", "primary".to_string()),
            ("languages[]", "fr".to_string()),
            ("duration", "45".to_string()),
            (
                "prerequisites",
                "Savoir partager\nLes nombres entiers".to_string(),
            ),
            (
                "links",
                "https://example.org/fractions Fractions en images".to_string(),
            ),
        ]
    };
    let file: &[u8] = b"Fiche 1 : colorie la moitie de chaque figure.\n";
    // Refused: no resource type; the text stays, the file is kept, the message is French.
    let typed = fields("Mon titre gardé", "");
    let refused = karima
        .multipart(
            "/resources/new",
            &as_refs(&typed),
            &[("files", "fiche-fractions.txt", file)],
            "fr",
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("value=\"Mon titre gardé\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Colorie **la moitié**."));
    assert!(
        refused
            .body
            .contains("Vérifiez ce champ : Type de ressource")
    );
    let kept = refused
        .id_after("name=\"media_ids[]\" value=\"")
        .expect("the uploaded file is kept");
    assert!(refused.body.contains("fiche-fractions.txt"));
    // Without the token nothing is stored.
    let forged = karima
        .multipart(
            "/resources/new",
            &[("csrf", "forged"), ("title", "x")],
            &[("files", "x.txt", file)],
            "en",
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    // Published with the kept file.
    let mut good = fields("Les fractions au CE2", "worksheet");
    good.push(("media_ids[]", kept.clone()));
    let created = karima
        .multipart("/resources/new", &as_refs(&good), &[], "en")
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let path = created.location();
    let page = karima.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Les fractions au CE2"));
    assert!(page.body.contains("fiche-fractions.txt"), "{}", page.body);
    assert!(page.body.contains("<strong>la moitié</strong>"));
    assert!(page.body.contains(&format!("href=\"{path}/edit\"")));
    // Someone else sees no Edit link, and may not open the form.
    let theirs = yassine.get(&path).await;
    assert!(!theirs.body.contains(&format!("{path}/edit")));
    assert_eq!(yassine.get(&format!("{path}/edit")).await.status, 403);

    // Search finds it by words and by facets; people, posts and hashtags too.
    let posted = karima
        .post(
            "/compose",
            &[
                ("csrf", &csrf),
                ("status", "Mes fiches de #fractions pour le CE2"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let everything = yassine.get("/search?q=fiches").await;
    assert!(
        everything.body.contains("Mes fiches de"),
        "{}",
        everything.body
    );
    assert!(
        everything
            .body
            .contains("<h2 id=\"results-statuses\">Posts</h2>")
    );
    assert!(
        everything
            .body
            .contains("<h2 id=\"results-resources\">Resources</h2>")
    );
    let by_words = yassine.get("/search?q=fractions&type=resources").await;
    assert!(
        by_words.body.contains("Les fractions au CE2"),
        "{}",
        by_words.body
    );
    let by_facet = yassine
        .get("/search?subject=mathematics&license=CC-BY-SA-4.0")
        .await;
    assert_eq!(by_facet.status, 200, "{}", by_facet.body);
    assert!(by_facet.body.contains("Les fractions au CE2"));
    let other_facet = yassine.get("/search?subject=french&type=resources").await;
    assert!(!other_facet.body.contains("Les fractions au CE2"));
    let people = yassine.get("/search?q=karima").await;
    assert!(people.body.contains("href=\"/@karima@"), "{}", people.body);
    assert!(people.body.contains("#karima"));
    let bad = yassine.get("/search?q=x&type=offers&license=CC0-1.0").await;
    assert_eq!(bad.status, 422, "{}", bad.body);

    // Edit: the form is filled in; the file stays unless unticked.
    let edit = karima.get(&format!("{path}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains("value=\"Les fractions au CE2\""));
    assert!(
        edit.body
            .contains("https://example.org/fractions Fractions en images")
    );
    let mut changed = fields("Les fractions au CE3", "worksheet");
    changed[0].1 = edit.csrf();
    changed.push(("media_ids[]", kept));
    let saved = karima
        .multipart(&format!("{path}/edit"), &as_refs(&changed), &[], "en")
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = karima.get(&path).await;
    assert!(page.body.contains("Les fractions au CE3"));
    assert!(page.body.contains("fiche-fractions.txt"));

    // Delete asks first, refuses a forged form, then deletes.
    let confirm = karima.get(&format!("{path}/delete")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Delete this resource?"));
    let forged = karima
        .post(&format!("{path}/delete"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403);
    let deleted = karima
        .post(&format!("{path}/delete"), &[("csrf", &confirm.csrf())])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert_eq!(karima.get(&path).await.status, 410);
}
