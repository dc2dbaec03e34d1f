//! Search (handles and post URLs resolved across two nodes, hashtags, text), lists with
//! accounts, filters v1/v2 and their server-side application, followed tags, reports forwarded
//! as `Flag`, preferences, trends, the directory, and the stubs clients call at startup.
use crate::api_client::ApiClient;
use crate::harness::{TestNode, cluster, eventually};
use halqa::{
    api::mastodon::entities::status,
    db::{self},
    service::{filters, follows, posts},
};
use serde_json::{Value, json};

fn say(text: &str) -> posts::NewPost {
    posts::NewPost {
        text: text.into(),
        visibility: "public".into(),
        ..Default::default()
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_resolves_remote_accounts_and_posts() {
    let [a, b] = cluster::<2>().await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob = b.create_user("bob").await;
    let post = posts::create_post(&b.data(), &bob, say("Bonjour les collègues #maths"))
        .await
        .unwrap();

    // @bob@localhost:PORT with resolve=true: WebFinger + fetch.
    let q = enc(&format!("@bob@{}", b.domain));
    let (s, v) = alice
        .get(&format!("/api/v2/search?q={q}&resolve=true&type=accounts"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["accounts"][0]["acct"], format!("bob@{}", b.domain));
    assert_eq!(v["statuses"], json!([]));
    assert_eq!(v["hashtags"], json!([]));

    // The post's URL (its id, then its web page) with resolve=true.
    let (s, v) = alice
        .get(&format!(
            "/api/v2/search?q={}&resolve=true",
            enc(&post.ap_id)
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["statuses"][0]["uri"], post.ap_id);
    assert_eq!(
        v["statuses"][0]["account"]["acct"],
        format!("bob@{}", b.domain)
    );
    let page = post.url.clone().unwrap();
    let (_, v) = alice
        .get(&format!(
            "/api/v2/search?q={}&resolve=true&type=statuses",
            enc(&page)
        ))
        .await;
    assert_eq!(v["statuses"][0]["uri"], post.ap_id, "{v}");

    // An actor URL resolves to the account.
    let (_, v) = alice
        .get(&format!(
            "/api/v2/search?q={}&resolve=true",
            enc(&bob.ap_id)
        ))
        .await;
    assert_eq!(v["accounts"][0]["acct"], format!("bob@{}", b.domain), "{v}");

    // Unreachable and private-address URLs are simply not found.
    for url in [
        "http://localhost:9/nothing",
        "http://10.0.0.1/users/x",
        "http://127.0.0.1:1/x",
    ] {
        let (s, v) = alice
            .get(&format!("/api/v2/search?q={}&resolve=true", enc(url)))
            .await;
        assert_eq!(s, 200, "{url}: {v}");
        assert_eq!(v["statuses"], json!([]));
        assert_eq!(v["accounts"], json!([]));
    }

    // Anonymous resolve is refused, anonymous plain search works.
    let response = reqwest::get(format!("{}/api/v2/search?q={q}&resolve=true", a.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let v: Value = reqwest::get(format!("{}/api/v2/search?q=bob", a.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["accounts"][0]["username"], "bob");

    // v1: hashtags are names.
    let (s, v) = alice.get("/api/v1/search?q=math").await;
    assert_eq!(s, 200);
    assert!(v["hashtags"][0].is_string(), "{v}");
}

#[tokio::test]
async fn search_finds_hashtags_and_text() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;

    let amina = alice.actor().clone();
    posts::create_post(
        &node.data(),
        &amina,
        say("Séquence de #Mathematiques pour la 3e"),
    )
    .await
    .unwrap();
    posts::create_post(&node.data(), &amina, say("Une autre idée"))
        .await
        .unwrap();

    let (s, v) = alice.get("/api/v2/search?q=%23math&type=hashtags").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = v["hashtags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"mathematiques"), "{v}");
    let tag = v["hashtags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "mathematiques")
        .unwrap();
    assert!(
        tag["url"]
            .as_str()
            .unwrap()
            .ends_with("/tags/mathematiques")
    );
    assert_eq!(tag["history"].as_array().unwrap().len(), 7);
    assert_eq!(tag["history"][0]["uses"], "1");
    assert!(
        tag["history"][0]["day"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .is_ok()
    );
    assert_eq!(tag["following"], false);

    let (_, v) = alice
        .get("/api/v2/search?q=S%C3%A9QUENCE&type=statuses")
        .await;
    assert_eq!(v["statuses"].as_array().unwrap().len(), 1, "{v}");
    // Markup is not searched.
    let (_, v) = alice.get("/api/v2/search?q=href&type=statuses").await;
    assert_eq!(v["statuses"], json!([]));
    let (_, v) = alice.get("/api/v2/search?q=ali").await;
    assert_eq!(v["accounts"][0]["username"], "alice");
}

#[tokio::test]
async fn lists_crud_and_members() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;

    let amina = alice.actor().clone();
    let carol = node.create_user("carol").await;
    let dan = node.create_user("dan").await;
    follows::follow(&node.data(), &amina, &carol).await.unwrap();

    let (s, list) = alice
        .post(
            "/api/v1/lists",
            json!({"title": "Collègues", "replies_policy": "followed"}),
        )
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["title"], "Collègues");
    assert_eq!(list["replies_policy"], "followed");
    assert_eq!(list["exclusive"], false);
    let id = list["id"].as_str().unwrap().to_string();

    let (s, _) = alice.post("/api/v1/lists", json!({"title": "  "})).await;
    assert_eq!(s, 422);
    let (s, _) = alice
        .post(
            "/api/v1/lists",
            json!({"title": "x", "replies_policy": "all"}),
        )
        .await;
    assert_eq!(s, 422);

    let (_, all) = alice.get("/api/v1/lists").await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    let (s, updated) = alice
        .form(
            reqwest::Method::PUT,
            &format!("/api/v1/lists/{id}"),
            "title=Maths&exclusive=1",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(updated["title"], "Maths");
    assert_eq!(updated["exclusive"], true);
    assert_eq!(updated["replies_policy"], "followed");

    // Only followed accounts may be added.
    let (s, _) = alice
        .form(
            reqwest::Method::POST,
            &format!("/api/v1/lists/{id}/accounts"),
            &format!("account_ids[]={}", dan.id),
        )
        .await;
    assert_eq!(s, 422);
    let (s, v) = alice
        .form(
            reqwest::Method::POST,
            &format!("/api/v1/lists/{id}/accounts"),
            &format!("account_ids[]={}", carol.id),
        )
        .await;
    assert_eq!((s, v), (200, json!({})));
    // Twice is fine.
    let (s, _) = alice
        .post(
            &format!("/api/v1/lists/{id}/accounts"),
            json!({"account_ids": [carol.id.to_string()]}),
        )
        .await;
    assert_eq!(s, 200);
    let reply = alice
        .get_reply(&format!("/api/v1/lists/{id}/accounts?limit=10"))
        .await;
    let (s, members, headers) = (reply.status, reply.body, reply.headers);
    assert_eq!(s, 200);
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["username"], "carol");
    assert!(headers["link"].to_str().unwrap().contains("limit=10"));

    // Other users don't see the list.
    let bob = ApiClient::new(&node, "bob").await;
    let (s, v) = bob.get(&format!("/api/v1/lists/{id}")).await;
    assert_eq!(s, 404, "{v}");

    let (s, _) = alice
        .form(
            reqwest::Method::DELETE,
            &format!("/api/v1/lists/{id}/accounts"),
            &format!("account_ids[]={}", carol.id),
        )
        .await;
    assert_eq!(s, 200);
    let (_, members) = alice.get(&format!("/api/v1/lists/{id}/accounts")).await;
    assert_eq!(members, json!([]));
    let (s, v) = alice.delete(&format!("/api/v1/lists/{id}")).await;
    assert_eq!((s, v), (200, json!({})));
    let (s, _) = alice.get(&format!("/api/v1/lists/{id}")).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn filters_v2_and_v1_crud() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let (s, f) = alice
        .form(
            reqwest::Method::POST,
            "/api/v2/filters",
            "title=Spoilers&context[]=home&context[]=public&filter_action=hide&expires_in=3600\
             &keywords_attributes[][keyword]=finale&keywords_attributes[][whole_word]=false\
             &keywords_attributes[][keyword]=saison",
        )
        .await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["title"], "Spoilers");
    assert_eq!(f["context"], json!(["home", "public"]));
    assert_eq!(f["filter_action"], "hide");
    assert!(f["expires_at"].is_string());
    assert_eq!(f["keywords"].as_array().unwrap().len(), 2);
    assert_eq!(f["keywords"][0]["whole_word"], false);
    assert_eq!(f["keywords"][1]["whole_word"], true);
    assert_eq!(f["statuses"], json!([]));
    let id = f["id"].as_str().unwrap().to_string();
    let kw = f["keywords"][0]["id"].as_str().unwrap().to_string();

    // Update: change the action, drop a keyword, add one.
    let (s, f) = alice
        .put(
            &format!("/api/v2/filters/{id}"),
            json!({"filter_action": "warn", "expires_in": "", "keywords_attributes": [
                {"id": kw, "_destroy": true},
                {"keyword": "épisode"}
            ]}),
        )
        .await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["filter_action"], "warn");
    assert!(f["expires_at"].is_null());
    let words: Vec<&str> = f["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(words, vec!["saison", "épisode"]);

    // Keywords and statuses sub-resources.
    let (s, k) = alice
        .post(
            &format!("/api/v2/filters/{id}/keywords"),
            json!({"keyword": "spoil", "whole_word": "0"}),
        )
        .await;
    assert_eq!(s, 200);
    let kid = k["id"].as_str().unwrap().to_string();
    let (_, k) = alice.get(&format!("/api/v2/filters/keywords/{kid}")).await;
    assert_eq!(k["keyword"], "spoil");
    let (_, k) = alice
        .put(
            &format!("/api/v2/filters/keywords/{kid}"),
            json!({"keyword": "spoiler"}),
        )
        .await;
    assert_eq!(k["keyword"], "spoiler");
    let (_, list) = alice.get(&format!("/api/v2/filters/{id}/keywords")).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    let (s, _) = alice
        .delete(&format!("/api/v2/filters/keywords/{kid}"))
        .await;
    assert_eq!(s, 200);

    let bob = node.create_user("bob").await;
    let p = posts::create_post(&node.data(), &bob, say("la finale hier soir"))
        .await
        .unwrap();
    let (s, fs) = alice
        .post(
            &format!("/api/v2/filters/{id}/statuses"),
            json!({"status_id": p.id.to_string()}),
        )
        .await;
    assert_eq!(s, 200, "{fs}");
    assert_eq!(fs["status_id"], p.id.to_string());
    let fsid = fs["id"].as_str().unwrap().to_string();
    let (_, v) = alice.get(&format!("/api/v2/filters/statuses/{fsid}")).await;
    assert_eq!(v["id"], fsid);
    let (_, list) = alice.get(&format!("/api/v2/filters/{id}/statuses")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (s, _) = alice
        .delete(&format!("/api/v2/filters/statuses/{fsid}"))
        .await;
    assert_eq!(s, 200);

    // Validation.
    let (s, _) = alice
        .post(
            "/api/v2/filters",
            json!({"title": "x", "context": ["nowhere"]}),
        )
        .await;
    assert_eq!(s, 422);
    let (s, _) = alice.post("/api/v2/filters", json!({"title": "x"})).await;
    assert_eq!(s, 422);

    // v1 is a view of one keyword.
    let (s, v1) = alice
        .form(
            reqwest::Method::POST,
            "/api/v1/filters",
            "phrase=politique&context[]=home&irreversible=true&whole_word=1",
        )
        .await;
    assert_eq!(s, 200, "{v1}");
    assert_eq!(v1["phrase"], "politique");
    assert_eq!(v1["irreversible"], true);
    assert_eq!(v1["whole_word"], true);
    assert_eq!(v1["context"], json!(["home"]));
    assert!(v1["expires_at"].is_null());
    let v1id = v1["id"].as_str().unwrap().to_string();
    let (_, list) = alice.get("/api/v1/filters").await;
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    let (s, v1) = alice
        .put(
            &format!("/api/v1/filters/{v1id}"),
            json!({"phrase": "élections", "irreversible": false, "context": ["home", "thread"]}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v1["phrase"], "élections");
    assert_eq!(v1["irreversible"], false);
    assert_eq!(v1["context"], json!(["home", "thread"]));
    let (_, v2list) = alice.get("/api/v2/filters").await;
    assert_eq!(v2list.as_array().unwrap().len(), 2);
    let (s, _) = alice.delete(&format!("/api/v1/filters/{v1id}")).await;
    assert_eq!(s, 200);
    let (_, v2list) = alice.get("/api/v2/filters").await;
    assert_eq!(
        v2list.as_array().unwrap().len(),
        1,
        "the v1 filter's filter went with it"
    );

    let (s, _) = alice.delete(&format!("/api/v2/filters/{id}")).await;
    assert_eq!(s, 200);
    let (s, _) = alice.get(&format!("/api/v2/filters/{id}")).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn filters_apply_server_side() {
    let node = TestNode::spawn().await;
    let data = node.data();
    let alice = ApiClient::new(&node, "alice").await;

    let amina = alice.actor().clone();
    let bob = node.create_user("bob").await;
    let carol = node.create_user("carol").await;
    let warn = posts::create_post(&data, &bob, say("Le Brexit encore"))
        .await
        .unwrap();
    let hide = posts::create_post(&data, &bob, say("Résultats du FOOT ce soir"))
        .await
        .unwrap();
    let partial = posts::create_post(&data, &bob, say("Les footballeurs"))
        .await
        .unwrap();
    let plain = posts::create_post(&data, &bob, say("Rien à voir"))
        .await
        .unwrap();
    let boost = posts::reblog(&data, &carol, warn.id).await.unwrap();

    let (s, _) = alice
        .post(
            "/api/v2/filters",
            json!({"title": "Politique", "context": ["home"], "filter_action": "warn",
            "keywords_attributes": [{"keyword": "brexit", "whole_word": true}]}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = alice
        .post(
            "/api/v2/filters",
            json!({"title": "Sport", "context": ["home"], "filter_action": "hide",
            "keywords_attributes": [{"keyword": "foot", "whole_word": true}]}),
        )
        .await;
    assert_eq!(s, 200);
    // A filter for another context does nothing here.
    alice
        .post(
            "/api/v2/filters",
            json!({"title": "Ailleurs", "context": ["public"], "filter_action": "hide",
            "keywords_attributes": [{"keyword": "rien"}]}),
        )
        .await;

    let page = vec![
        boost.clone(),
        plain.clone(),
        partial.clone(),
        hide.clone(),
        warn.clone(),
    ];
    let mut statuses = status::statuses(&data, Some(amina.id), page).await.unwrap();
    halqa::api::mastodon::filtering::apply(&data, amina.id, "home", &mut statuses)
        .await
        .unwrap();
    let ids: Vec<String> = statuses.iter().map(|s| s.id.clone()).collect();
    assert_eq!(
        ids,
        vec![
            boost.id.to_string(),
            plain.id.to_string(),
            partial.id.to_string(),
            warn.id.to_string()
        ],
        "the hide filter removed the FOOT post; whole_word kept 'footballeurs'"
    );
    let warned = statuses.last().unwrap();
    let results = warned.filtered.as_ref().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["filter"]["title"], "Politique");
    assert_eq!(results[0]["keyword_matches"], json!(["brexit"]));
    assert!(results[0]["status_matches"].is_null());
    // The boost matched through the boosted status: on the wrapper and the inner status.
    let wrapper = &statuses[0];
    assert_eq!(wrapper.filtered.as_ref().unwrap().len(), 1);
    assert_eq!(
        wrapper
            .reblog
            .as_ref()
            .unwrap()
            .filtered
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(statuses[1].filtered.as_ref().unwrap(), &Vec::<Value>::new());
    assert_eq!(statuses[2].filtered.as_ref().unwrap(), &Vec::<Value>::new());

    // Status matches, and the regex rules on their own.
    let (_, f) = alice.get("/api/v2/filters").await;
    let politique = f[0]["id"].as_str().unwrap().to_string();
    alice
        .post(
            &format!("/api/v2/filters/{politique}/statuses"),
            json!({"status_id": plain.id.to_string()}),
        )
        .await;
    let mut statuses = status::statuses(&data, Some(amina.id), vec![plain.clone()])
        .await
        .unwrap();
    halqa::api::mastodon::filtering::apply(&data, amina.id, "home", &mut statuses)
        .await
        .unwrap();
    assert_eq!(
        statuses[0].filtered.as_ref().unwrap()[0]["status_matches"],
        json!([plain.id.to_string()])
    );
    assert!(
        filters::keyword_regex("foot", true)
            .unwrap()
            .is_match("Le FOOT!")
    );
    assert!(
        !filters::keyword_regex("foot", true)
            .unwrap()
            .is_match("football")
    );
    assert!(
        filters::keyword_regex("foot", false)
            .unwrap()
            .is_match("football")
    );
    assert!(
        filters::keyword_regex("#maths", true)
            .unwrap()
            .is_match("vive les #maths")
    );
    assert!(
        filters::keyword_regex("تعليم", true)
            .unwrap()
            .is_match("عن التعليم و تعليم")
    );

    // Filtered statuses also show through the API as `filtered`.
    let (_, v) = alice.get(&format!("/api/v1/statuses/{}", warn.id)).await;
    assert!(v["filtered"].is_array());
}

#[tokio::test]
async fn followed_tags_follow_unfollow_and_page() {
    let node = TestNode::spawn().await;
    let alice = ApiClient::new(&node, "alice").await;
    let (s, tag) = alice.get("/api/v1/tags/Maths").await;
    assert_eq!(s, 200);
    assert_eq!(tag["name"], "maths");
    assert_eq!(tag["following"], false);
    assert_eq!(tag["history"].as_array().unwrap().len(), 7);
    let (s, tag) = alice.post("/api/v1/tags/maths/follow", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(tag["following"], true);
    let (s, _) = alice.post("/api/v1/tags/maths/follow", json!({})).await;
    assert_eq!(s, 200, "following twice is fine");
    alice.post("/api/v1/tags/sciences/follow", json!({})).await;
    alice.post("/api/v1/tags/lecture/follow", json!({})).await;

    let reply = alice.get_reply("/api/v1/followed_tags?limit=2").await;
    let (s, page, headers) = (reply.status, reply.body, reply.headers);
    assert_eq!(s, 200);
    let names: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["lecture", "sciences"]);
    assert!(page[0]["following"].as_bool().unwrap());
    let link = headers["link"].to_str().unwrap().to_string();
    let next = link
        .split(';')
        .next()
        .unwrap()
        .trim_matches(['<', '>', ' ']);
    let path = &next[next.find("/api/").unwrap()..];
    let (_, rest) = alice.get(path).await;
    assert_eq!(rest[0]["name"], "maths");

    let (s, tag) = alice.post("/api/v1/tags/maths/unfollow", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(tag["following"], false);
    let (_, all) = alice.get("/api/v1/followed_tags").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (s, v) = alice.get("/api/v1/tags/not%20a%20tag").await;
    assert_eq!(s, 404, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_report_reaches_the_other_node_as_a_flag() {
    let [a, b] = cluster::<2>().await;
    let alice = ApiClient::new(&a, "alice").await;
    let bob = b.create_user("bob").await;
    let post = posts::create_post(&b.data(), &bob, say("du spam"))
        .await
        .unwrap();
    let bob_on_a = a.resolve(&b.handle("bob")).await;
    let (s, v) = alice
        .get(&format!(
            "/api/v2/search?q={}&resolve=true",
            enc(&post.ap_id)
        ))
        .await;
    assert_eq!(s, 200);
    let status_id = v["statuses"][0]["id"].as_str().unwrap().to_string();

    let (s, report) = alice
        .form(
            reqwest::Method::POST,
            "/api/v1/reports",
            &format!(
                "account_id={}&status_ids[]={status_id}&comment=Publicit%C3%A9&forward=true&category=spam",
                bob_on_a.id
            ),
        )
        .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["category"], "spam");
    assert_eq!(report["comment"], "Publicité");
    assert_eq!(report["forwarded"], true);
    assert_eq!(report["action_taken"], false);
    assert!(report["action_taken_at"].is_null());
    assert_eq!(report["status_ids"], json!([status_id]));
    assert!(report["rule_ids"].is_null());
    assert_eq!(
        report["target_account"]["acct"],
        format!("bob@{}", b.domain)
    );
    assert!(report["created_at"].as_str().unwrap().ends_with('Z'));

    let data = b.data();
    let (bob_id, post_id) = (bob.id, post.id);
    eventually("the Flag to be stored as a report on bob's node", || {
        let data = data.clone();
        async move {
            db::reports::against(&data.db.read, bob_id)
                .await
                .unwrap()
                .first()
                .is_some_and(|r| r.comment == "Publicité" && r.status_ids == format!("[{post_id}]"))
        }
    })
    .await;
    let stored = db::reports::against(&data.db.read, bob_id).await.unwrap();
    let reporter = db::actors::get_by_id(&data.db.read, stored[0].reporter_id)
        .await
        .unwrap();
    assert_eq!(
        reporter.ap_id,
        a.data().instance_actor.ap_id,
        "reported by the instance actor"
    );

    // Not forwarded, unknown status, too long: refused or kept local.
    let (s, r) = alice
        .post(
            "/api/v1/reports",
            json!({"account_id": bob_on_a.id.to_string(), "comment": "x"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["forwarded"], false);
    assert_eq!(r["category"], "other");
    let (s, _) = alice
        .post(
            "/api/v1/reports",
            json!({"account_id": bob_on_a.id.to_string(), "status_ids": ["1"]}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = alice
        .post(
            "/api/v1/reports",
            json!({"account_id": bob_on_a.id.to_string(), "comment": "x".repeat(1001)}),
        )
        .await;
    assert_eq!(s, 422);
}

#[tokio::test]
async fn preferences_trends_directory_and_stubs() {
    let node = TestNode::spawn().await;
    let data = node.data();
    let alice = ApiClient::new(&node, "alice").await;

    let amina = alice.actor().clone();
    let bob = node.create_user("bob").await;

    let (s, prefs) = alice.get("/api/v1/preferences").await;
    assert_eq!(s, 200);
    assert_eq!(prefs["posting:default:visibility"], "public");
    assert_eq!(prefs["posting:default:sensitive"], false);
    assert!(prefs["posting:default:language"].is_null());
    assert_eq!(prefs["reading:expand:media"], "default");
    assert_eq!(prefs["reading:expand:spoilers"], false);

    // Trends: this week's tags and boosted statuses.
    let p = posts::create_post(&data, &bob, say("#lecture et #maths"))
        .await
        .unwrap();
    posts::create_post(&data, &amina, say("encore #maths"))
        .await
        .unwrap();
    posts::reblog(&data, &amina, p.id).await.unwrap();
    let (s, tags) = alice.get("/api/v1/trends/tags").await;
    assert_eq!(s, 200);
    assert_eq!(tags[0]["name"], "maths", "{tags}");
    assert_eq!(tags[0]["history"][0]["uses"], "2");
    assert_eq!(tags[0]["history"][0]["accounts"], "2");
    let (_, same) = alice.get("/api/v1/trends").await;
    assert_eq!(same[0]["name"], "maths");
    let (_, statuses) = alice.get("/api/v1/trends/statuses").await;
    assert_eq!(statuses[0]["id"], p.id.to_string(), "{statuses}");
    let (_, links) = alice.get("/api/v1/trends/links").await;
    assert_eq!(links, json!([]));

    let (_, dir) = alice.get("/api/v1/directory?local=true&order=new").await;
    let names: Vec<&str> = dir
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["bob", "alice"]);
    let (_, dir) = alice.get("/api/v1/directory?limit=1").await;
    assert_eq!(dir.as_array().unwrap().len(), 1);

    for path in [
        "/api/v1/custom_emojis",
        "/api/v1/announcements",
        "/api/v2/suggestions",
        "/api/v1/suggestions",
        "/api/v1/conversations",
        "/api/v1/scheduled_statuses",
    ] {
        let (s, v) = alice.get(path).await;
        assert_eq!((s, v), (200, json!([])), "{path}");
    }
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/announcements/1/dismiss"),
        (reqwest::Method::DELETE, "/api/v1/suggestions/1"),
        (reqwest::Method::DELETE, "/api/v1/conversations/1"),
    ] {
        let (s, v) = alice.form(method, path, "").await;
        assert_eq!((s, v), (200, json!({})), "{path}");
    }
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/scheduled_statuses/1"),
        (reqwest::Method::DELETE, "/api/v1/scheduled_statuses/1"),
        (reqwest::Method::GET, "/api/v1/push/subscription"),
        (reqwest::Method::POST, "/api/v1/push/subscription"),
        (reqwest::Method::PUT, "/api/v1/push/subscription"),
        (reqwest::Method::DELETE, "/api/v1/push/subscription"),
    ] {
        let (s, v) = alice.form(method, path, "").await;
        assert_eq!(s, 404, "{path}");
        assert_eq!(v, json!({"error": "Record not found"}), "{path}");
    }
    // Signed-in stubs want a token.
    let response = reqwest::get(format!("{}/api/v1/conversations", node.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[test]
fn mastodons_flag_fixture_reads_as_our_flag() {
    let flag: halqa::federation::activities::Flag = serde_json::from_str(include_str!(
        "../fixtures/activitypub/mastodon-docs/flag.json"
    ))
    .unwrap();
    assert_eq!(flag.actor.inner().path(), "/actor");
    assert_eq!(
        halqa::federation::wire::urls_in(Some(&flag.object)).len(),
        3,
        "the account and two posts"
    );
    assert_eq!(
        flag.content.as_deref(),
        Some("Please take a look at this user and their posts")
    );
}
