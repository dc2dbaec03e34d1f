//! PLN search across two nodes: a teacher on B publishes resources (French, Arabic, English) and
//! a mentorship offer; they federate to A (a follower), where anyone — signed in or not — finds
//! them next to A's own resources with words (accents and case folded, prefixes) and filters,
//! browses newest first, pages, and stops finding a deleted resource. Hostile text answers 200;
//! unknown types and filter values answer 422. A resource stored before the search migration is
//! found after it (the backfill). Runs on SQLite and, with `HALQA_TEST_DATABASE_URL`, PostgreSQL.
use crate::api_client::{ApiClient, follow_across};
use crate::harness::{TestDb, TestNode, cluster, eventually};
use halqa::{
    db::{self, entity::resource, paging::Cursor, pln_search::SearchTerms},
    service::institutions,
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{Database, EntityTrait, Set};
use serde_json::{Value, json};

/// `GET /api/v1/pln/search` on `node` without signing in, with `params` URL-encoded.
async fn search(node: &TestNode, params: &[(&str, &str)]) -> (u16, Value) {
    let url =
        url::Url::parse_with_params(&format!("{}/api/v1/pln/search", node.base), params).unwrap();
    let response = reqwest::Client::new().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The titles of `kind` (`resources` or `offers`) in a search answer, in order.
fn titles(body: &Value, kind: &str) -> Vec<String> {
    body[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind} in {body}"))
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect()
}

/// The titles found on `node` for `params`, after checking the answer is a 200.
async fn found(node: &TestNode, kind: &str, params: &[(&str, &str)]) -> Vec<String> {
    let (status, body) = search(node, params).await;
    assert_eq!(status, 200, "{params:?}: {body}");
    titles(&body, kind)
}

fn resource_body(
    title: &str,
    description: &str,
    kind: &str,
    subject: &str,
    level: &str,
    lang: &str,
) -> Value {
    json!({
        "title": title,
        "description": description,
        "body": "",
        "resource_type": kind,
        "subjects": [subject],
        "levels": [level],
        "languages": [lang],
        "license": "cc-by-4.0",
    })
}

const FRACTIONS: &str = "Évaluation des fractions";
const ARABIC: &str = "الرياضيات للسنة الأولى";
const READING: &str = "Reading circles in English class";
const LOCAL: &str = "Evaluation formative en sciences";
const OFFER: &str = "Premiers pas en mathématiques";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_local_and_federated_objects_with_words_and_filters() {
    let [a, b] = cluster::<2>().await;
    for (node, peer) in [(&a, &b), (&b, &a)] {
        institutions::refresh_host(&node.data(), &peer.domain)
            .await
            .unwrap();
    }
    let amina = ApiClient::new(&a, "amina").await;
    let bob = ApiClient::new(&b, "bob").await;
    follow_across(&a, amina.actor(), &b, "bob").await;

    let mut reading_id = String::new();
    for (body, title) in [
        (
            resource_body(
                FRACTIONS,
                "Une évaluation diagnostique en 6e.",
                "assessment",
                "mathematics",
                "middle",
                "fr",
            ),
            FRACTIONS,
        ),
        (
            resource_body(
                ARABIC,
                "درس في الرياضيات: الجمع والطرح",
                "lesson_plan",
                "mathematics",
                "primary",
                "ar",
            ),
            ARABIC,
        ),
        (
            resource_body(
                READING,
                "Group reading routines.",
                "reading",
                "english",
                "secondary",
                "en",
            ),
            READING,
        ),
    ] {
        let (status, created) = bob.post("/api/v1/pln/resources", body).await;
        assert_eq!(status, 200, "{created}");
        if title == READING {
            reading_id = created["id"].as_str().unwrap().to_string();
        }
    }
    let (status, offer) = bob
        .post(
            "/api/v1/pln/mentorship/offers",
            json!({
                "title": OFFER,
                "description": "Un appel par semaine pour préparer vos séquences.",
                "subjects": ["mathematics"],
                "levels": ["secondary"],
                "languages": ["fr", "ar"],
                "format": "online",
                "region": "Fès-Meknès",
                "capacity": 2,
            }),
        )
        .await;
    assert_eq!(status, 200, "{offer}");
    let (status, local) = amina
        .post(
            "/api/v1/pln/resources",
            resource_body(
                LOCAL,
                "Observer, questionner, conclure.",
                "worksheet",
                "physics_chemistry",
                "middle",
                "fr",
            ),
        )
        .await;
    assert_eq!(status, 200, "{local}");

    // Everything reaches A: browsing (no words) lists it newest first, A's own resource included.
    eventually("B's resources and offer on A", || async {
        let (_, body) = search(&a, &[]).await;
        body["resources"].as_array().is_some_and(|r| r.len() == 4)
            && body["offers"].as_array().is_some_and(|o| o.len() == 1)
    })
    .await;
    assert_eq!(
        found(&a, "resources", &[]).await,
        [LOCAL, READING, ARABIC, FRACTIONS]
    );

    // French: accents and case folded both ways, words as prefixes, all words required.
    assert_eq!(
        found(&a, "resources", &[("q", "évaluation")]).await,
        [LOCAL, FRACTIONS]
    );
    assert_eq!(
        found(&a, "resources", &[("q", "EVALUATION fract")]).await,
        [FRACTIONS]
    );
    assert_eq!(
        found(
            &a,
            "resources",
            &[("q", "évaluation"), ("subject", "mathematics")]
        )
        .await,
        [FRACTIONS]
    );
    // Filters of one kind search that kind only.
    let (status, body) = search(
        &a,
        &[
            ("q", "evaluation"),
            ("resource_type", "assessment"),
            ("license", "CC-BY-4.0"),
            ("level", "middle"),
            ("language", "fr"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(titles(&body, "resources"), [FRACTIONS]);
    assert_eq!(titles(&body, "offers"), Vec::<String>::new());
    let remote = &body["resources"][0];
    assert_eq!(remote["account"]["acct"], format!("bob@{}", b.domain));

    // Arabic, with or without short vowels in the query; English.
    assert_eq!(
        found(&a, "resources", &[("q", "الرياضيات")]).await,
        [ARABIC]
    );
    assert_eq!(
        found(&a, "resources", &[("q", "الرِّيَاضِيَّات"), ("language", "ar")]).await,
        [ARABIC]
    );
    assert_eq!(
        found(&a, "resources", &[("q", "reading routines")]).await,
        [READING]
    );

    // Offers: words from the title, description and region; their own filters.
    let offer_params = [
        ("q", "mathematiques fes"),
        ("type", "offers"),
        ("format", "online"),
        ("open", "true"),
        ("subject", "mathematics"),
    ];
    let (status, body) = search(&a, &offer_params).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(titles(&body, "offers"), [OFFER]);
    assert_eq!(titles(&body, "resources"), Vec::<String>::new());
    assert_eq!(body["offers"][0]["region"], "Fès-Meknès");
    assert_eq!(
        found(&a, "offers", &[("q", "séquences"), ("format", "in_person")]).await,
        Vec::<String>::new()
    );

    // Paging one kind by id, newest first.
    let (_, first) = search(&a, &[("type", "resources"), ("limit", "2")]).await;
    assert_eq!(titles(&first, "resources"), [LOCAL, READING]);
    let last_id = first["resources"][1]["id"].as_str().unwrap().to_string();
    let (_, next) = search(
        &a,
        &[("type", "resources"), ("limit", "2"), ("max_id", &last_id)],
    )
    .await;
    assert_eq!(titles(&next, "resources"), [ARABIC, FRACTIONS]);

    // A deleted resource leaves the results on both nodes.
    assert_eq!(
        bob.delete(&format!("/api/v1/pln/resources/{reading_id}"))
            .await
            .0,
        200
    );
    assert!(found(&b, "resources", &[("q", "reading")]).await.is_empty());
    eventually("the deletion to reach A's search", || async {
        search(&a, &[("q", "reading")]).await.1["resources"]
            .as_array()
            .is_some_and(|r| r.is_empty())
    })
    .await;

    // Hostile text never breaks the query: FTS5 and tsquery syntax, quotes, very long input.
    let long = "é(\"*".repeat(1_250);
    for q in [
        "\"",
        "*",
        "NEAR(",
        "-",
        "fractions\" OR \"x",
        "'",
        "\\",
        "a:* & !b | (c",
        "title:fractions",
        "الرياضيات\"*)",
        long.as_str(),
    ] {
        let (status, body) = search(&a, &[("q", q)]).await;
        assert_eq!(status, 200, "{q:?}: {body}");
        assert!(
            body["resources"].is_array() && body["offers"].is_array(),
            "{body}"
        );
    }
    // Syntax is only separators: the words around it still count.
    assert_eq!(
        found(&a, "resources", &[("q", "\"fractions\" AND évaluation*")]).await,
        Vec::<String>::new(),
        "AND is a word, and no resource holds it"
    );
    assert_eq!(
        found(&a, "resources", &[("q", "\"fractions\" (évaluation*")]).await,
        [FRACTIONS]
    );

    // Clear errors for what cannot be searched.
    for (params, needle) in [
        (
            vec![("type", "guilds")],
            "resources, offers, collections, circles",
        ),
        (vec![("subject", "alchemy")], "subject"),
        (
            vec![("license", "CC-BY-4.0"), ("format", "online")],
            "format",
        ),
        (
            vec![("type", "offers"), ("resource_type", "reading")],
            "resource_type",
        ),
    ] {
        let (status, body) = search(&a, &params).await;
        assert_eq!(status, 422, "{params:?}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains(needle),
            "{params:?}: {body}"
        );
    }
}

/// Rows stored before migration 10 are in the index it builds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_migration_indexes_existing_rows() {
    let test_db = TestDb::new().await;
    let url = if test_db.url.starts_with("sqlite:") {
        format!("{}?mode=rwc", test_db.url)
    } else {
        test_db.url.clone()
    };
    let conn = Database::connect(&url).await.unwrap();
    Migrator::up(&conn, Some(9)).await.unwrap();
    let now = chrono::Utc::now();
    let row = |id: i64, title: &str, deleted: bool| resource::ActiveModel {
        id: Set(id),
        ap_id: Set(format!("https://b.example/resources/{id}")),
        local: Set(false),
        author_id: Set(1),
        note_ap_id: Set(None),
        url: Set(None),
        title: Set(title.into()),
        description: Set("Séance d'évaluation".into()),
        body_source: Set(String::new()),
        body_html: Set(String::new()),
        license: Set("CC-BY-4.0".into()),
        resource_type: Set("assessment".into()),
        subjects: Set("[\"mathematics\"]".into()),
        levels: Set("[]".into()),
        languages: Set("[\"fr\"]".into()),
        duration: Set(None),
        prerequisites: Set("[]".into()),
        links: Set("[]".into()),
        based_on: Set(None),
        // A later migration's column: not in the table yet at migration 9.
        original_url: sea_orm::ActiveValue::NotSet,
        published_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(deleted.then_some(now)),
    };
    // Without RETURNING: PostgreSQL would be asked for every column of today's model.
    resource::Entity::insert_many([
        row(1, "Les fractions", false),
        row(2, "Les fractions, supprimée", true),
    ])
    .exec_without_returning(&conn)
    .await
    .unwrap();
    Migrator::up(&conn, None).await.unwrap();

    let cursor = Cursor {
        limit: 20,
        ..Default::default()
    };
    let hits = db::pln_search::resources(
        &conn,
        &Default::default(),
        &SearchTerms::parse("evaluation fractions"),
        cursor,
    )
    .await
    .unwrap();
    assert_eq!(hits.iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
    conn.close().await.unwrap();
}
