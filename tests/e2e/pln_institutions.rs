//! PLN profiles and institutions end to end: facets checked against the vocabulary (422, nothing
//! changed) through the PLN and Mastodon APIs, the vocabulary endpoint, facets federating as
//! `halqa:` terms plus readable fields, institution profiles in NodeInfo and as followable
//! `Organization` actors, and the directory a node builds from the Halqa nodes it meets.
use crate::harness::{TestNode, cluster, eventually};
use halqa::{
    db,
    service::{accounts, institutions},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A user of `node` with a bearer token of `scopes`.
async fn user_with_token(node: &TestNode, username: &str, role: &str, scopes: &str) -> String {
    let data = node.data();
    let (user, _) = accounts::create_user(
        &data.db,
        &data.ids,
        &data.urls,
        &data.config.instance.domain,
        accounts::NewUser {
            username: username.into(),
            email: format!("{username}@example.org"),
            password: "correct horse battery".into(),
            role: role.into(),
        },
    )
    .await
    .unwrap();
    accounts::mint_token(&data.db, &data.ids, user.id, scopes)
        .await
        .unwrap()
}

async fn call(
    node: &TestNode,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", node.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, value)
}

async fn get(node: &TestNode, token: Option<&str>, path: &str) -> Value {
    let (status, _, body) = call(node, token, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_facets_are_refused_and_change_nothing() {
    let node = TestNode::spawn().await;
    let token = user_with_token(&node, "salma", "user", "read write").await;
    let patch = |body: Value| {
        call(
            &node,
            Some(&token),
            reqwest::Method::PATCH,
            "/api/v1/pln/profile",
            Some(body),
        )
    };

    let (status, _, pln) = patch(json!({
        "stage": "teacher",
        "subjects": ["mathematics", "physics_chemistry"],
        "levels": ["secondary"],
        "languages": ["ar", "fr"],
        "region": "Fès-Meknès",
        "open_to_mentor": true
    }))
    .await;
    assert_eq!(status, 200, "{pln}");
    assert_eq!(pln["stage"], "teacher");
    assert_eq!(pln["subjects"], json!(["mathematics", "physics_chemistry"]));
    assert_eq!(pln["open_to_mentor"], true);

    // Unknown level: 422 naming the field and the allowed values; nothing changes, not even the
    // valid part of the same request.
    let (status, _, error) = patch(json!({"stage": "novice", "levels": ["kindergarten"]})).await;
    assert_eq!(status, 422, "{error}");
    let message = error["error"].as_str().unwrap();
    assert!(
        message.contains("levels")
            && message.contains("kindergarten")
            && message.contains("primary"),
        "{message}"
    );
    let (status, _, error) = patch(json!({"subjects": ["maths"]})).await;
    assert_eq!(status, 422);
    assert!(
        error["error"].as_str().unwrap().contains("mathematics"),
        "{error}"
    );
    let (status, _, _) = patch(json!({"languages": ["arabic"]})).await;
    assert_eq!(status, 422);
    let (status, _, _) = patch(json!({"stage": "principal"})).await;
    assert_eq!(status, 422);
    let now = get(&node, Some(&token), "/api/v1/pln/profile").await;
    assert_eq!(now, pln, "a refused change leaves the profile as it was");

    // The Mastodon route checks the same way, and refuses the whole update.
    let (status, _, error) = call(
        &node,
        Some(&token),
        reqwest::Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(json!({"display_name": "Changed", "pln": {"subjects": ["maths"]}})),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    let me = get(&node, Some(&token), "/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["display_name"], "");
    assert_eq!(me["pln"], pln);

    // Form bodies work too, and only what is sent changes.
    let response = reqwest::Client::new()
        .patch(format!("{}/api/v1/pln/profile", node.base))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("levels[]=middle&levels[]=secondary&seeking_mentor=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let pln: Value = response.json().await.unwrap();
    assert_eq!(pln["levels"], json!(["middle", "secondary"]));
    assert_eq!(pln["seeking_mentor"], true);
    assert_eq!(pln["stage"], "teacher");

    // Facets are readable fields after the user's own; source.fields keeps only the user's.
    let (status, _, me) = call(
        &node,
        Some(&token),
        reqwest::Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(json!({"fields_attributes": [{"name": "Site", "value": "https://salma.example"}]})),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    let fields = me["fields"].as_array().unwrap();
    assert_eq!(fields[0]["name"], "Site");
    // The node's default language is French.
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec![
            "Site",
            "Parcours",
            "Disciplines",
            "Niveaux",
            "Langues d'enseignement",
            "Région",
            "Disponible pour accompagner",
            "Cherche un accompagnement"
        ]
    );
    assert_eq!(fields[2]["value"], "Mathématiques, Physique-chimie");
    assert!(fields.iter().all(|f| f["verified_at"].is_null()));
    assert_eq!(me["source"]["fields"].as_array().unwrap().len(), 1);

    // Reading and writing need the accounts scopes.
    let narrow = user_with_token(&node, "karim", "user", "read:statuses").await;
    let (status, _, _) = call(
        &node,
        Some(&narrow),
        reqwest::Method::GET,
        "/api/v1/pln/profile",
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = call(
        &node,
        None,
        reqwest::Method::GET,
        "/api/v1/pln/profile",
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vocabulary_is_served_in_the_asked_language() {
    let node = TestNode::spawn().await;
    let ar = get(&node, None, "/api/v1/pln/vocabulary?lang=ar").await;
    assert_eq!(ar["lang"], "ar");
    let teacher = ar["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "teacher")
        .unwrap();
    assert_eq!(teacher["label"], "أستاذ");
    assert_eq!(teacher["labels"]["en"], "Teacher");
    for list in [
        "stages",
        "subjects",
        "levels",
        "formats",
        "institution_kinds",
        "facet_fields",
    ] {
        assert!(!ar[list].as_array().unwrap().is_empty(), "{list}");
    }
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/pln/vocabulary", node.base))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap();
    let en: Value = response.json().await.unwrap();
    assert_eq!(en["lang"], "en");
    assert_eq!(en["levels"][0]["label"], "Primary");
    // Without a preference: the node's default language (French).
    let default = get(&node, None, "/api/v1/pln/vocabulary").await;
    assert_eq!(default["lang"], "fr");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_learn_each_others_institutions_and_follow_them() {
    let [a, b, c] = cluster::<3>().await;
    let a_data = a.data();

    // B's admin describes the institution.
    let admin = user_with_token(&b, "director", "admin", "read write admin:write").await;
    let (status, _, own) = call(
        &b,
        Some(&admin),
        reqwest::Method::PATCH,
        "/api/v1/pln/institution",
        Some(json!({
            "name": "CRMEF Rabat-Salé-Kénitra",
            "kind": "crmef",
            "region": "Rabat-Salé-Kénitra",
            "city": "Rabat",
            "languages": ["ar", "fr"],
            "description": "Training the teachers of the region."
        })),
    )
    .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(
        own["kind_label"],
        "Centre régional des métiers de l'éducation et de la formation (CRMEF)"
    );
    // Bad kinds and non-admins change nothing.
    let (status, _, error) = call(
        &b,
        Some(&admin),
        reqwest::Method::PATCH,
        "/api/v1/pln/institution",
        Some(json!({"kind": "castle", "city": "Salé"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        error["error"].as_str().unwrap().contains("crmef"),
        "{error}"
    );
    let teacher = user_with_token(&b, "bob", "user", "read write admin:write").await;
    let (status, _, _) = call(
        &b,
        Some(&teacher),
        reqwest::Method::PATCH,
        "/api/v1/pln/institution",
        Some(json!({"city": "Salé"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        get(&b, None, "/api/v1/pln/institution").await["city"],
        "Rabat"
    );

    // The Mastodon instance documents carry it too.
    for path in ["/api/v1/instance", "/api/v2/instance"] {
        let instance = get(&b, None, path).await;
        assert_eq!(instance["pln"]["institution"]["kind"], "crmef", "{path}");
        assert_eq!(instance["pln"]["institution"]["city"], "Rabat", "{path}");
    }

    // NodeInfo carries it, with the Organization actor.
    let nodeinfo = get(&b, None, "/nodeinfo/2.1").await;
    let meta = &nodeinfo["metadata"]["institution"];
    assert_eq!(meta["name"], "CRMEF Rabat-Salé-Kénitra");
    assert_eq!(meta["kind"], "crmef");
    assert_eq!(meta["languages"], json!(["ar", "fr"]));
    let org_url = format!("{}/users/institution", b.base);
    assert_eq!(meta["actor"], json!(org_url));
    let doc: Value = reqwest::Client::new()
        .get(&org_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["type"], "Organization");
    assert_eq!(doc["institutionKind"], "crmef");
    assert_eq!(doc["name"], "CRMEF Rabat-Salé-Kénitra");
    assert!(doc["summary"].as_str().unwrap().contains("Rabat"), "{doc}");

    // B's teacher has facets and a field of their own.
    let bob = db::actors::find_local(&b.data().db.read, "bob")
        .await
        .unwrap()
        .unwrap();
    let (status, _, _) = call(&b, Some(&teacher), reqwest::Method::PATCH, "/api/v1/accounts/update_credentials", Some(json!({
        "fields_attributes": [{"name": "Blog", "value": "https://bob.example"}],
        "pln": {"stage": "teacher_educator", "subjects": ["mathematics"], "open_to_mentor": true}
    }))).await;
    assert_eq!(status, 200);
    let person: Value = reqwest::Client::new()
        .get(&bob.ap_id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(person["stage"], "teacher_educator");
    let attachments = person["attachment"].as_array().unwrap();
    assert_eq!(attachments[0]["name"], "Blog");
    assert!(attachments[0].get("facet").is_none());
    assert!(
        attachments
            .iter()
            .any(|a| a["facet"] == "stage" && a["value"] == "Formateur d&#39;enseignants")
    );

    // A meets B through one of its actors: it reads B's NodeInfo and learns the institution.
    let bob_on_a = a.resolve(&b.handle("bob")).await;
    assert_eq!(bob_on_a.stage.as_deref(), Some("teacher_educator"));
    let own_fields: Vec<Value> = serde_json::from_str(&bob_on_a.fields).unwrap();
    assert_eq!(
        own_fields.len(),
        1,
        "facet fields are not stored as the user's own: {own_fields:?}"
    );
    eventually("A to learn B's institution", || {
        let a_data = a_data.clone();
        let domain = b.domain.clone();
        async move {
            db::institutions::find(&a_data.db.read, &domain)
                .await
                .unwrap()
                .is_some_and(|row| row.is_halqa && row.name == "CRMEF Rabat-Salé-Kénitra")
        }
    })
    .await;
    assert_eq!(
        db::institutions::halqa_domains(&a_data.db.read, &[b.domain.as_str(), "mastodon.example"])
            .await
            .unwrap(),
        [b.domain.clone()].into_iter().collect()
    );
    // Its Organization actor was fetched too.
    eventually("A to store B's Organization actor", || {
        let a_data = a_data.clone();
        let org_url = org_url.clone();
        async move {
            db::actors::find_by_ap_id(&a_data.db.read, &org_url)
                .await
                .unwrap()
                .is_some_and(|org| org.kind == "Organization")
        }
    })
    .await;

    // The directory: A first, then B.
    let (status, headers, list) = call(
        &a,
        None,
        reqwest::Method::GET,
        "/api/v1/pln/institutions?lang=en",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["domain"], json!(a.domain));
    assert_eq!(list[0]["local"], true);
    assert_eq!(list[1]["domain"], json!(b.domain));
    assert_eq!(list[1]["name"], "CRMEF Rabat-Salé-Kénitra");
    assert_eq!(
        list[1]["kind_label"],
        "Regional centre for education and training (CRMEF)"
    );
    assert_eq!(list[1]["actor"], json!(org_url));
    assert_eq!(list[1]["user_count"], 2);
    assert_eq!(list[1]["software"]["name"], "halqa");
    assert!(list[1]["last_refreshed_at"].is_string());
    assert!(headers.get("link").is_none(), "one page only");
    let filtered = get(&a, None, "/api/v1/pln/institutions?kind=crmef").await;
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    let searched = get(&a, None, "/api/v1/pln/institutions?q=RABAT").await;
    assert_eq!(searched[0]["domain"], json!(b.domain));
    let (_, headers, paged) = call(
        &a,
        None,
        reqwest::Method::GET,
        "/api/v1/pln/institutions?limit=1",
        None,
    )
    .await;
    assert_eq!(paged.as_array().unwrap().len(), 1);
    let link = headers["link"].to_str().unwrap();
    assert!(
        link.contains("offset=1") && link.contains("rel=\"next\""),
        "{link}"
    );
    let one = get(&a, None, &format!("/api/v1/pln/institutions/{}", b.domain)).await;
    assert_eq!(one["city"], "Rabat");
    let (status, _, _) = call(
        &a,
        None,
        reqwest::Method::GET,
        &format!("/api/v1/pln/institutions/{}", c.domain),
        None,
    )
    .await;
    assert_eq!(status, 404, "C has not been met");

    // B changes its profile; A's refresh job (run here rather than waited for) picks it up.
    institutions::update_profile(
        &b.data(),
        institutions::ProfilePatch {
            city: Some("Salé".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let report = institutions::refresh_due(&a_data).await.unwrap();
    assert_eq!(
        report.refreshed + report.failed,
        0,
        "B was refreshed moments ago"
    );
    let row = db::institutions::find(&a_data.db.read, &b.domain)
        .await
        .unwrap()
        .unwrap();
    db::institutions::record_failure(&a_data.db.write, &b.domain, "pretend it was long ago")
        .await
        .unwrap();
    use sea_orm::{ActiveModelTrait, Set};
    let mut old: halqa::db::entity::institution::ActiveModel = row.into();
    old.attempted_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(2)));
    old.update(&a_data.db.write).await.unwrap();
    let report = institutions::refresh_due(&a_data).await.unwrap();
    assert_eq!(report.refreshed, 1);
    let row = db::institutions::find(&a_data.db.read, &b.domain)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.city.as_deref(), Some("Salé"));
    assert_eq!(row.last_error, None);

    // A Mastodon-style follow of B's institution from A: search with resolve, then follow.
    let alice = user_with_token(&a, "alice", "user", "read write follow").await;
    let found = get(
        &a,
        Some(&alice),
        &format!(
            "/api/v2/search?q=institution@{}&resolve=true&type=accounts",
            b.domain
        ),
    )
    .await;
    let org = &found["accounts"][0];
    assert_eq!(org["acct"], json!(format!("institution@{}", b.domain)));
    assert_eq!(org["display_name"], "CRMEF Rabat-Salé-Kénitra");
    let org_id = org["id"].as_str().unwrap().to_string();
    let (status, _, rel) = call(
        &a,
        Some(&alice),
        reqwest::Method::POST,
        &format!("/api/v1/accounts/{org_id}/follow"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{rel}");
    eventually("B's institution to accept the follow", || {
        let a = &a;
        let alice = alice.clone();
        let org_id = org_id.clone();
        async move {
            let rel = get(
                a,
                Some(&alice),
                &format!("/api/v1/accounts/relationships?id[]={org_id}"),
            )
            .await;
            rel[0]["following"] == true
        }
    })
    .await;
    let followers = get(&b, None, "/users/institution/followers").await;
    assert_eq!(followers["totalItems"], 1);
    let org_actor = institutions::local_actor(&b.data().db.read).await.unwrap();
    assert_eq!(org_actor.kind, "Organization");
    let follower_inboxes = db::actors::follower_inboxes(&b.data().db.read, org_actor.id)
        .await
        .unwrap();
    assert_eq!(follower_inboxes, vec![format!("{}/inbox", a.base)]);

    // A profile change reaches the follower as Update(Organization) and A's directory entry
    // is re-read at once (not at the next periodic refresh).
    let (status, _, _) = call(
        &b,
        Some(&admin),
        reqwest::Method::PATCH,
        "/api/v1/pln/institution",
        Some(json!({"city": "Salé"})),
    )
    .await;
    assert_eq!(status, 200);
    let entry = format!("/api/v1/pln/institutions/{}", b.domain);
    eventually("A's directory to show B's new city", || {
        let (a, entry) = (&a, entry.clone());
        async move { get(a, None, &entry).await["city"] == "Salé" }
    })
    .await;

    // The institution's name is not a username anyone can take.
    let data = b.data();
    let taken = accounts::create_user(
        &data.db,
        &data.ids,
        &data.urls,
        &data.config.instance.domain,
        accounts::NewUser {
            username: "institution".into(),
            email: "i@example.org".into(),
            password: "correct horse battery".into(),
            role: "user".into(),
        },
    )
    .await;
    assert!(taken.is_err());
}
