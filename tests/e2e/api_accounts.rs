//! The account endpoints through HTTP: verify/update credentials (multipart, brackets, JSON),
//! lookup and search with resolve, follows across nodes (pending until Accept), locked accounts
//! and follow requests (local and remote), blocks that end follows and federate, mutes with a
//! duration, relationships order, account statuses with filters and Link paging.
use crate::images::gradient_png;
use crate::{
    api_client::ApiClient,
    api_contract::{
        assert_account_shape, assert_credential_account_shape, assert_relationship_shape,
        assert_status_shape,
    },
    harness::{TestNode, cluster, eventually},
};
use halqa::{
    db::{
        self,
        entity::{actor, media_attachment},
    },
    service::{accounts, posts},
};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

/// A user on `node` with an API client holding a full-scope token.
async fn user(node: &TestNode, username: &str) -> (actor::Model, ApiClient) {
    let client = ApiClient::new(node, username).await;
    (client.actor().clone(), client)
}

/// A test node whose media go to a temporary directory.
async fn node_with_media_dir() -> (TestNode, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "halqa-media-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    let d = dir.clone();
    let node = TestNode::spawn_with(move |c| c.media.dir = d.display().to_string()).await;
    (node, dir)
}

/// A multipart/form-data body with text fields and files `(field, file name, bytes)`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "halqa-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn relationship(client: &ApiClient, id: i64) -> Value {
    let list = client
        .ok(&format!("/api/v1/accounts/relationships?id[]={id}"))
        .await;
    let r = list[0].clone();
    assert_relationship_shape(&r);
    r
}

/// Waits until `client`'s relationship with account `id` has `field` = `value`.
async fn relationship_becomes(client: &ApiClient, id: i64, field: &str, value: bool) {
    let what = format!("relationship.{field} with {id} to become {value}");
    eventually(&what, || {
        let client = client.clone();
        let field = field.to_string();
        async move { relationship(&client, id).await[&field] == json!(value) }
    })
    .await;
}

fn text(s: &str, visibility: &str) -> posts::NewPost {
    posts::NewPost {
        text: s.into(),
        visibility: visibility.into(),
        ..Default::default()
    }
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn verify_credentials_has_the_full_shape() {
    let node = TestNode::spawn().await;
    let (actor, client) = user(&node, "amina").await;
    let me = client.ok("/api/v1/accounts/verify_credentials").await;
    assert_credential_account_shape(&me);
    assert_eq!(me["id"], actor.id.to_string());
    assert_eq!(me["acct"], "amina");
    assert_eq!(me["source"]["privacy"], "public");
    assert_eq!(me["source"]["follow_requests_count"], 0);
    assert!(me["last_status_at"].is_null());

    let anonymous = ApiClient::anonymous(&node)
        .get_reply("/api/v1/accounts/verify_credentials")
        .await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.body["error"].is_string());

    // A token with only the `profile` scope may read it; one with only `write` may not.
    let data = node.data();
    let user = db::users::find_by_actor(&data.db.read, actor.id)
        .await
        .unwrap()
        .unwrap();
    for (scope, expected) in [("profile", 200), ("write", 403)] {
        let token = accounts::mint_token(&data.db, &data.ids, user.id, scope)
            .await
            .unwrap();
        let c = ApiClient {
            token: Some(token),
            ..ApiClient::anonymous(&node)
        };
        let r = c.get_reply("/api/v1/accounts/verify_credentials").await;
        assert_eq!(r.status, expected, "scope {scope}: {}", r.body);
    }

    // The same account by id and by lookup.
    let shown = ApiClient::anonymous(&node)
        .ok(&format!("/api/v1/accounts/{}", actor.id))
        .await;
    assert_account_shape(&shown);
    assert!(shown.get("source").is_none());
}

#[tokio::test]
async fn update_credentials_takes_multipart_brackets_and_json() {
    let (node, media_dir) = node_with_media_dir().await;
    let (_, client) = user(&node, "salma").await;
    let avatar = gradient_png(640, 480);
    let (content_type, body) = multipart(
        &[
            ("display_name", "Salma B."),
            (
                "note",
                "Maths teacher <3\n\nSee https://example.com/about #maths",
            ),
            ("locked", "1"),
            ("bot", "false"),
            ("discoverable", "True"),
            ("fields_attributes[0][name]", "Site"),
            ("fields_attributes[0][value]", "https://example.org/salma"),
            ("fields_attributes[1][name]", "Subject"),
            ("fields_attributes[1][value]", "Maths & physics"),
            ("source[privacy]", "unlisted"),
            ("source[sensitive]", "1"),
            ("source[language]", "fr"),
            ("pln[stage]", "teacher"),
            ("pln[subjects][]", "mathematics"),
            ("pln[subjects][]", "physics_chemistry"),
        ],
        &[("avatar", "me.png", &avatar)],
    );
    let r = client
        .send(
            client
                .http
                .patch(client.url("/api/v1/accounts/update_credentials"))
                .header("content-type", content_type)
                .body(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let me = r.body;
    assert_credential_account_shape(&me);
    assert_eq!(me["display_name"], "Salma B.");
    let note = me["note"].as_str().unwrap();
    assert!(note.contains("Maths teacher &lt;3"), "{note}");
    assert!(
        note.contains("<a href=\"https://example.com/about\""),
        "{note}"
    );
    assert!(note.contains("class=\"mention hashtag\""), "{note}");
    assert_eq!(
        me["source"]["note"],
        "Maths teacher <3\n\nSee https://example.com/about #maths"
    );
    assert_eq!(me["locked"], true);
    assert_eq!(me["bot"], false);
    assert_eq!(me["discoverable"], true);
    // The user's two fields, then the PLN facets as readable fields (stage, subjects).
    assert_eq!(me["fields"].as_array().unwrap().len(), 4);
    assert_eq!(me["source"]["fields"].as_array().unwrap().len(), 2);
    assert_eq!(me["fields"][0]["name"], "Site");
    let value = me["fields"][0]["value"].as_str().unwrap();
    assert!(
        value.starts_with("<a href=\"https://example.org/salma\""),
        "{value}"
    );
    assert_eq!(me["fields"][1]["value"], "Maths &amp; physics");
    assert_eq!(me["source"]["fields"][1]["value"], "Maths & physics");
    assert_eq!(me["source"]["privacy"], "unlisted");
    assert_eq!(me["source"]["sensitive"], true);
    assert_eq!(me["source"]["language"], "fr");
    assert_eq!(me["pln"]["stage"], "teacher");
    assert_eq!(
        me["pln"]["subjects"],
        json!(["mathematics", "physics_chemistry"])
    );
    let avatar_url = me["avatar"].as_str().unwrap();
    assert!(
        avatar_url.starts_with(&format!("{}/media/", node.base)),
        "{avatar_url}"
    );
    let stored = avatar_url.rsplit('/').next().unwrap();
    let on_disk = image::open(media_dir.join(stored)).unwrap();
    assert!(on_disk.width() <= 400 && on_disk.height() <= 400);
    let served = reqwest::get(avatar_url).await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(
        served.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/")
    );
    assert_eq!(
        me["header"],
        json!(format!("{}/headers/original/missing.png", node.base))
    );

    // Urlencoded with brackets: only what is sent changes; fields can be cleared.
    let r = client
        .send(
            client
                .http
                .patch(client.url("/api/v1/accounts/update_credentials"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("display_name=Salma&fields_attributes[0][name]=&fields_attributes[0][value]=&pln[levels][]=secondary"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["display_name"], "Salma");
    assert_eq!(r.body["locked"], true);
    assert_eq!(r.body["source"]["fields"], json!([]));
    assert_eq!(r.body["avatar"], json!(avatar_url));
    assert_eq!(r.body["pln"]["stage"], "teacher");
    assert_eq!(r.body["pln"]["levels"], json!(["secondary"]));

    // JSON, as masto.js sends it.
    let r = client
        .send(
            client
                .http
                .patch(client.url("/api/v1/accounts/update_credentials"))
                .json(&json!({
                    "locked": false,
                    "fields_attributes": [{"name": "Blog", "value": "https://blog.example"}],
                    "source": {"privacy": "private"},
                })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["locked"], false);
    assert_eq!(r.body["fields"][0]["name"], "Blog");
    assert_eq!(r.body["source"]["privacy"], "private");

    // Validation errors answer 422 JSON.
    let too_many: Vec<(String, String)> = (0..5)
        .flat_map(|i| {
            [
                (format!("fields_attributes[{i}][name]"), format!("n{i}")),
                (format!("fields_attributes[{i}][value]"), "v".to_string()),
            ]
        })
        .collect();
    let pairs: Vec<(&str, &str)> = too_many
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = client
        .send(
            client
                .http
                .patch(client.url("/api/v1/accounts/update_credentials"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(&pairs)
                        .finish(),
                ),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body["error"].is_string());
    let _ = std::fs::remove_dir_all(&media_dir);
}

#[tokio::test]
async fn lookup_finds_local_and_known_accounts_and_404s_as_json() {
    let node = TestNode::spawn().await;
    let (amina, _) = user(&node, "amina").await;
    let anon = ApiClient::anonymous(&node);
    for acct in ["amina", "@amina", &format!("amina@{}", node.domain)] {
        let a = anon
            .ok(&format!("/api/v1/accounts/lookup?acct={}", urlencode(acct)))
            .await;
        assert_account_shape(&a);
        assert_eq!(a["id"], amina.id.to_string(), "{acct}");
    }
    for acct in ["nobody", "amina@elsewhere.example"] {
        let r = anon
            .get_reply(&format!("/api/v1/accounts/lookup?acct={}", urlencode(acct)))
            .await;
        assert_eq!(r.status, 404, "{acct}");
        assert!(r.body["error"].is_string());
    }
    let r = anon.get_reply("/api/v1/accounts/123456789").await;
    assert_eq!(r.status, 404);
    let r = anon.get_reply("/api/v1/accounts/not-a-number").await;
    assert_eq!(r.status, 404);
    assert!(r.body["error"].is_string());
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn remote_follow_through_search_resolve_is_pending_until_accepted() {
    let [a, b] = cluster::<2>().await;
    let (_, alice) = user(&a, "alice").await;
    let (bob_local, bob) = user(&b, "bob").await;
    let handle = format!("@bob@{}", b.domain);

    // Not known yet: lookup 404s, search without resolve finds nothing.
    let r = alice
        .get_reply(&format!(
            "/api/v1/accounts/lookup?acct={}",
            urlencode(&handle[1..])
        ))
        .await;
    assert_eq!(r.status, 404);
    let found = alice
        .ok(&format!("/api/v1/accounts/search?q={}", urlencode(&handle)))
        .await;
    assert_eq!(found, json!([]));

    let found = alice
        .ok(&format!(
            "/api/v1/accounts/search?q={}&resolve=true",
            urlencode(&handle)
        ))
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let remote = &found[0];
    assert_account_shape(remote);
    assert_eq!(remote["acct"], format!("bob@{}", b.domain));
    let bob_id = id_of(remote);
    let looked_up = alice
        .ok(&format!(
            "/api/v1/accounts/lookup?acct={}",
            urlencode(&handle[1..])
        ))
        .await;
    assert_eq!(looked_up["id"], remote["id"]);
    // Prefix search now finds the known account.
    let found = alice.ok("/api/v1/accounts/search?q=bo").await;
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == remote["id"]),
        "{found}"
    );

    let r = alice
        .post_ok(
            &format!("/api/v1/accounts/{bob_id}/follow"),
            json!({"reblogs": false, "notify": true, "languages": ["fr", "ar"]}),
        )
        .await;
    assert_relationship_shape(&r);
    assert_eq!(r["requested"], true, "{r}");
    assert_eq!(r["following"], false);
    assert_eq!(r["showing_reblogs"], false);
    assert_eq!(r["notifying"], true);
    assert_eq!(r["languages"], json!(["fr", "ar"]));
    relationship_becomes(&alice, bob_id, "following", true).await;
    let r = relationship(&alice, bob_id).await;
    assert_eq!(r["requested"], false);
    // Following again only changes the options.
    let r = alice
        .post_pairs_reply(
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &[("reblogs", "1")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["following"], true);
    assert_eq!(r.body["showing_reblogs"], true);
    assert_eq!(r.body["notifying"], true);

    // Bob's side: alice is a follower.
    let followers = bob
        .ok(&format!("/api/v1/accounts/{}/followers", bob_local.id))
        .await;
    assert_eq!(followers.as_array().unwrap().len(), 1);
    assert_eq!(followers[0]["acct"], format!("alice@{}", a.domain));

    // Bob's profile changes reach alice's node, fields and avatar-less header included.
    let r = bob
        .post_pairs_reply(
            "/api/v1/accounts/update_credentials",
            &[
                ("display_name", "Bob the Teacher"),
                ("bot", "true"),
                ("fields_attributes[0][name]", "School"),
                ("fields_attributes[0][value]", "https://school.example"),
            ],
        )
        .await;
    assert_eq!(r.status, 405, "update_credentials is PATCH");
    let r = bob
        .send(
            bob.http
                .patch(bob.url("/api/v1/accounts/update_credentials"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("display_name=Bob+the+Teacher&bot=true&fields_attributes[0][name]=School&fields_attributes[0][value]=https://school.example"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    eventually("bob's profile update to reach alice's node", || {
        let alice = alice.clone();
        async move {
            let bob = alice.ok(&format!("/api/v1/accounts/{bob_id}")).await;
            bob["display_name"] == "Bob the Teacher"
        }
    })
    .await;
    let seen = alice.ok(&format!("/api/v1/accounts/{bob_id}")).await;
    assert_account_shape(&seen);
    assert_eq!(seen["bot"], true);
    assert_eq!(seen["fields"][0]["name"], "School");
    assert!(
        seen["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("href=\"https://school.example\""),
        "{seen}"
    );

    // Unfollow federates: bob loses the follower.
    let r = alice
        .post_ok(&format!("/api/v1/accounts/{bob_id}/unfollow"), json!({}))
        .await;
    assert_eq!(r["following"], false);
    eventually("bob to lose alice as follower", || {
        let bob = bob.clone();
        let id = bob_local.id;
        async move {
            bob.ok(&format!("/api/v1/accounts/{id}/followers"))
                .await
                .as_array()
                .unwrap()
                .is_empty()
        }
    })
    .await;
}

#[tokio::test]
async fn locked_accounts_approve_follow_requests_locally() {
    let node = TestNode::spawn().await;
    let (carol_actor, carol) = user(&node, "carol").await;
    let (dave_actor, dave) = user(&node, "dave").await;
    let (eve_actor, eve) = user(&node, "eve").await;
    let r = carol
        .send(
            carol
                .http
                .patch(carol.url("/api/v1/accounts/update_credentials"))
                .json(&json!({"locked": true})),
        )
        .await;
    assert_eq!(r.body["locked"], true);

    for client in [&dave, &eve] {
        let r = client
            .post_ok(
                &format!("/api/v1/accounts/{}/follow", carol_actor.id),
                json!({}),
            )
            .await;
        assert_eq!(r["requested"], true);
        assert_eq!(r["following"], false);
    }
    let me = carol.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["source"]["follow_requests_count"], 2);
    let r = carol.get_reply("/api/v1/follow_requests?limit=1").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["id"], eve_actor.id.to_string(), "newest first");
    let next = r.link("next").unwrap();
    let older = carol.ok(&next).await;
    assert_eq!(older[0]["id"], dave_actor.id.to_string());
    let r = relationship(&carol, dave_actor.id).await;
    assert_eq!(r["requested_by"], true);

    let r = carol
        .post_ok(
            &format!("/api/v1/follow_requests/{}/authorize", dave_actor.id),
            json!({}),
        )
        .await;
    assert_relationship_shape(&r);
    assert_eq!(r["followed_by"], true);
    assert_eq!(r["requested_by"], false);
    let r = carol
        .post_ok(
            &format!("/api/v1/follow_requests/{}/reject", eve_actor.id),
            json!({}),
        )
        .await;
    assert_eq!(r["followed_by"], false);
    assert_eq!(r["requested_by"], false);

    let r = relationship(&dave, carol_actor.id).await;
    assert_eq!(r["following"], true);
    let r = relationship(&eve, carol_actor.id).await;
    assert_eq!(
        (r["following"].clone(), r["requested"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(carol.ok("/api/v1/follow_requests").await, json!([]));
    let r = carol
        .post_reply(
            &format!("/api/v1/follow_requests/{}/authorize", eve_actor.id),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn locked_accounts_approve_follow_requests_across_nodes() {
    let [a, b] = cluster::<2>().await;
    let (_, alice) = user(&a, "alice").await;
    let (_, zaid) = user(&a, "zaid").await;
    let (_, bob) = user(&b, "bob").await;
    let r = bob
        .send(
            bob.http
                .patch(bob.url("/api/v1/accounts/update_credentials"))
                .json(&json!({"locked": true})),
        )
        .await;
    assert_eq!(r.status, 200);
    let handle = format!("bob@{}", b.domain);
    let found = alice
        .ok(&format!(
            "/api/v1/accounts/search?q={}&resolve=1",
            urlencode(&handle)
        ))
        .await;
    let bob_id = id_of(&found[0]);
    assert_eq!(found[0]["locked"], true);
    for client in [&alice, &zaid] {
        let r = client
            .post_ok(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
            .await;
        assert_eq!(r["requested"], true);
    }
    // The requests arrive at bob's node and wait there.
    eventually("both follow requests to reach bob", || {
        let bob = bob.clone();
        async move {
            bob.ok("/api/v1/follow_requests")
                .await
                .as_array()
                .unwrap()
                .len()
                == 2
        }
    })
    .await;
    let requests = bob.ok("/api/v1/follow_requests").await;
    let id_for = |name: &str| {
        requests
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .map(id_of)
            .unwrap()
    };
    let (alice_there, zaid_there) = (id_for("alice"), id_for("zaid"));
    bob.post_ok(
        &format!("/api/v1/follow_requests/{alice_there}/authorize"),
        json!({}),
    )
    .await;
    bob.post_ok(
        &format!("/api/v1/follow_requests/{zaid_there}/reject"),
        json!({}),
    )
    .await;
    relationship_becomes(&alice, bob_id, "following", true).await;
    relationship_becomes(&zaid, bob_id, "requested", false).await;
    assert_eq!(relationship(&zaid, bob_id).await["following"], false);
}

#[tokio::test]
async fn blocking_ends_follows_both_ways_and_federates() {
    let [a, b] = cluster::<2>().await;
    let (alice_actor, alice) = user(&a, "alice").await;
    let (bob_actor, bob) = user(&b, "bob").await;
    let bob_at_a = id_of(
        &alice
            .ok(&format!(
                "/api/v1/accounts/search?resolve=true&q={}",
                urlencode(&format!("bob@{}", b.domain))
            ))
            .await[0],
    );
    let alice_at_b = id_of(
        &bob.ok(&format!(
            "/api/v1/accounts/search?resolve=true&q={}",
            urlencode(&format!("alice@{}", a.domain))
        ))
        .await[0],
    );
    alice
        .post_ok(&format!("/api/v1/accounts/{bob_at_a}/follow"), json!({}))
        .await;
    bob.post_ok(&format!("/api/v1/accounts/{alice_at_b}/follow"), json!({}))
        .await;
    relationship_becomes(&alice, bob_at_a, "following", true).await;
    relationship_becomes(&bob, alice_at_b, "following", true).await;
    relationship_becomes(&alice, bob_at_a, "followed_by", true).await;

    let r = alice
        .post_ok(&format!("/api/v1/accounts/{bob_at_a}/block"), json!({}))
        .await;
    assert_relationship_shape(&r);
    assert_eq!(r["blocking"], true);
    assert_eq!(r["following"], false);
    assert_eq!(r["followed_by"], false);
    let blocks = alice.get_reply("/api/v1/blocks").await;
    assert_eq!(blocks.body[0]["id"], bob_at_a.to_string());
    assert!(blocks.link("next").is_some());

    // Bob's node learns of it: the follows both ways are gone and bob is blocked by alice.
    relationship_becomes(&bob, alice_at_b, "blocked_by", true).await;
    relationship_becomes(&bob, alice_at_b, "following", false).await;
    relationship_becomes(&bob, alice_at_b, "followed_by", false).await;
    let followers = bob
        .ok(&format!("/api/v1/accounts/{}/followers", bob_actor.id))
        .await;
    assert_eq!(followers, json!([]));
    // Following a blocker is refused.
    let r = bob
        .post_reply(&format!("/api/v1/accounts/{alice_at_b}/follow"), json!({}))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    let r = alice
        .post_ok(&format!("/api/v1/accounts/{bob_at_a}/unblock"), json!({}))
        .await;
    assert_eq!(r["blocking"], false);
    assert_eq!(alice.ok("/api/v1/blocks").await, json!([]));
    relationship_becomes(&bob, alice_at_b, "blocked_by", false).await;
    let _ = alice_actor;
}

#[tokio::test]
async fn blocked_accounts_do_not_see_the_blockers_statuses() {
    let node = TestNode::spawn().await;
    let (carol_actor, carol) = user(&node, "carol").await;
    let (dave_actor, dave) = user(&node, "dave").await;
    let data = node.data();
    posts::create_post(&data, &carol_actor, text("hello all", "public"))
        .await
        .unwrap();
    let path = format!("/api/v1/accounts/{}/statuses", carol_actor.id);
    assert_eq!(dave.ok(&path).await.as_array().unwrap().len(), 1);
    carol
        .post_ok(
            &format!("/api/v1/accounts/{}/block", dave_actor.id),
            json!({}),
        )
        .await;
    assert_eq!(dave.ok(&path).await, json!([]));
    let r = relationship(&dave, carol_actor.id).await;
    assert_eq!(r["blocked_by"], true);
    // Anonymous readers still see public statuses.
    assert_eq!(
        ApiClient::anonymous(&node)
            .ok(&path)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn mutes_with_a_duration_and_the_mutes_list() {
    let node = TestNode::spawn().await;
    let (_, amina) = user(&node, "amina").await;
    let (omar_actor, _) = user(&node, "omar").await;
    let (yusuf_actor, _) = user(&node, "yusuf").await;
    let r = amina
        .post_pairs_reply(
            &format!("/api/v1/accounts/{}/mute", omar_actor.id),
            &[("notifications", "false"), ("duration", "3600")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_relationship_shape(&r.body);
    assert_eq!(r.body["muting"], true);
    assert_eq!(r.body["muting_notifications"], false);
    let expires =
        chrono::DateTime::parse_from_rfc3339(r.body["muting_expires_at"].as_str().unwrap())
            .unwrap();
    let in_an_hour = chrono::Utc::now() + chrono::Duration::seconds(3600);
    assert!((expires.to_utc() - in_an_hour).num_seconds().abs() < 60);

    let r = amina
        .post_ok(
            &format!("/api/v1/accounts/{}/mute", yusuf_actor.id),
            json!({}),
        )
        .await;
    assert_eq!(r["muting_notifications"], true);
    assert!(r["muting_expires_at"].is_null());

    let r = amina.get_reply("/api/v1/mutes?limit=1").await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["id"], yusuf_actor.id.to_string());
    let older = amina.ok(&r.link("next").unwrap()).await;
    assert_eq!(older[0]["id"], omar_actor.id.to_string());
    let newer = amina.get_reply(&r.link("prev").unwrap()).await;
    assert_eq!(newer.body, json!([]), "prev never repeats the first item");

    let r = amina
        .post_ok(
            &format!("/api/v1/accounts/{}/unmute", omar_actor.id),
            json!({}),
        )
        .await;
    assert_eq!(r["muting"], false);
    assert_eq!(amina.ok("/api/v1/mutes").await.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn relationships_keep_the_request_order_and_skip_unknown_ids() {
    let node = TestNode::spawn().await;
    let (_, amina) = user(&node, "amina").await;
    let (b, _) = user(&node, "bilal").await;
    let (c, c_client) = user(&node, "chama").await;
    let (d, _) = user(&node, "driss").await;
    amina
        .post_ok(&format!("/api/v1/accounts/{}/follow", c.id), json!({}))
        .await;
    c_client
        .post_ok(&format!("/api/v1/accounts/{}/follow", d.id), json!({}))
        .await;
    let list = amina
        .ok(&format!(
            "/api/v1/accounts/relationships?id[]={}&id[]=999999&id[]={}&id[]={}",
            d.id, b.id, c.id
        ))
        .await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [d.id.to_string(), b.id.to_string(), c.id.to_string()]);
    for r in list.as_array().unwrap() {
        assert_relationship_shape(r);
    }
    assert_eq!(list[2]["following"], true);
    // A single `id=` works too.
    let one = amina
        .ok(&format!("/api/v1/accounts/relationships?id={}", c.id))
        .await;
    assert_eq!(one.as_array().unwrap().len(), 1);

    // Familiar followers: amina follows chama, who follows driss.
    let familiar = amina
        .ok(&format!(
            "/api/v1/accounts/familiar_followers?id[]={}&id[]={}",
            d.id, b.id
        ))
        .await;
    assert_eq!(familiar[0]["id"], d.id.to_string());
    assert_eq!(familiar[0]["accounts"][0]["id"], c.id.to_string());
    assert_eq!(familiar[1]["accounts"], json!([]));

    // P2 stubs answer with the right shapes.
    let r = amina
        .post_ok(
            &format!("/api/v1/accounts/{}/note", b.id),
            json!({"comment": "hi"}),
        )
        .await;
    assert_relationship_shape(&r);
    for path in [
        format!("/api/v1/accounts/{}/lists", b.id),
        format!("/api/v1/accounts/{}/featured_tags", b.id),
        "/api/v1/endorsements".into(),
        "/api/v1/featured_tags".into(),
        "/api/v1/domain_blocks".into(),
    ] {
        assert_eq!(amina.ok(&path).await, json!([]), "{path}");
    }
}

#[tokio::test]
async fn account_statuses_filter_and_page_with_links() {
    let node = TestNode::spawn().await;
    let (author, _) = user(&node, "author").await;
    let (follower_actor, follower) = user(&node, "follower").await;
    let (_, stranger) = user(&node, "stranger").await;
    let (other, _) = user(&node, "other").await;
    let data = node.data();
    let mut public_ids = Vec::new();
    for i in 0..5 {
        let p = posts::create_post(&data, &author, text(&format!("post {i}"), "public"))
            .await
            .unwrap();
        public_ids.push(p.id);
    }
    posts::create_post(&data, &author, text("unlisted", "unlisted"))
        .await
        .unwrap();
    posts::create_post(&data, &author, text("followers only", "private"))
        .await
        .unwrap();
    posts::create_post(&data, &author, text("@follower direct", "direct"))
        .await
        .unwrap();
    posts::create_post(&data, &author, text("about #Maths", "public"))
        .await
        .unwrap();
    let others = posts::create_post(&data, &other, text("a question", "public"))
        .await
        .unwrap();
    posts::create_post(
        &data,
        &author,
        posts::NewPost {
            in_reply_to_id: Some(others.id),
            ..text("an answer", "public")
        },
    )
    .await
    .unwrap();
    posts::create_post(
        &data,
        &author,
        posts::NewPost {
            in_reply_to_id: Some(public_ids[0]),
            ..text("a thread", "public")
        },
    )
    .await
    .unwrap();
    posts::reblog(&data, &author, others.id).await.unwrap();
    let with_media = posts::create_post(&data, &author, text("a picture", "public"))
        .await
        .unwrap();
    media_attachment::ActiveModel {
        id: Set(data.ids.next()),
        actor_id: Set(author.id),
        post_id: Set(Some(with_media.id)),
        position: Set(0),
        kind: Set("image".into()),
        content_type: Set(Some("image/png".into())),
        file_name: Set(Some("x.png".into())),
        preview_file_name: Set(Some("x_small.png".into())),
        remote_url: Set(None),
        description: Set(None),
        blurhash: Set(None),
        width: Set(Some(10)),
        height: Set(Some(10)),
        small_width: Set(Some(10)),
        small_height: Set(Some(10)),
        size_bytes: Set(Some(100)),
        focus_x: Set(None),
        focus_y: Set(None),
        processed: Set(true),
        created_at: Set(chrono::Utc::now()),
        cache_attempts: Set(0),
        cached_at: Set(None),
    }
    .insert(&data.db.write)
    .await
    .unwrap();
    follower
        .post_ok(&format!("/api/v1/accounts/{}/follow", author.id), json!({}))
        .await;
    let _ = follower_actor;

    let base = format!("/api/v1/accounts/{}/statuses", author.id);
    let count = |v: &Value| v.as_array().unwrap().len();
    // 5 public + unlisted + tagged + 2 replies + boost + media = 11 for strangers.
    let all = stranger.ok(&base).await;
    assert_eq!(count(&all), 11, "{all:#}");
    for s in all.as_array().unwrap() {
        assert_status_shape(s);
        assert_ne!(s["visibility"], "direct");
        assert_ne!(s["visibility"], "private");
    }
    assert_eq!(count(&ApiClient::anonymous(&node).ok(&base).await), 11);
    // Followers see followers-only posts too; nobody sees direct ones here.
    assert_eq!(count(&follower.ok(&base).await), 12);
    assert_eq!(
        count(&stranger.ok(&format!("{base}?only_media=true")).await),
        1
    );
    // Replies to others go, the self-thread stays.
    let no_replies = stranger.ok(&format!("{base}?exclude_replies=1")).await;
    assert_eq!(count(&no_replies), 10);
    assert!(
        no_replies
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["content"].as_str().unwrap().contains("an answer"))
    );
    assert_eq!(
        count(&stranger.ok(&format!("{base}?exclude_reblogs=True")).await),
        10
    );
    let tagged = stranger.ok(&format!("{base}?tagged=maths")).await;
    assert_eq!(count(&tagged), 1);
    assert_eq!(stranger.ok(&format!("{base}?pinned=true")).await, json!([]));
    let boosts: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["reblog"].is_null())
        .collect();
    assert_eq!(boosts.len(), 1);

    // Paging with limit=3: next until empty, every status once, no Link on the empty page.
    let mut seen: Vec<String> = Vec::new();
    let mut url = format!("{base}?limit=3&exclude_reblogs=true");
    let first = stranger.get_reply(&url).await;
    let prev = first.link("prev").unwrap();
    assert!(
        prev.contains("limit=3") && prev.contains("exclude_reblogs=true"),
        "{prev}"
    );
    let newer = stranger.ok(&prev).await;
    assert_eq!(newer, json!([]), "prev does not repeat the first item");
    let mut pages = 0;
    loop {
        let page = stranger.get_reply(&url).await;
        assert_eq!(page.status, 200);
        let items = page.body.as_array().unwrap().clone();
        if items.is_empty() {
            assert!(page.link("next").is_none());
            break;
        }
        assert!(items.len() <= 3);
        for s in &items {
            let id = s["id"].as_str().unwrap().to_string();
            assert!(!seen.contains(&id), "{id} seen twice");
            seen.push(id);
        }
        url = page.link("next").unwrap();
        pages += 1;
        assert!(pages < 10, "next links loop");
    }
    assert_eq!(seen.len(), 10);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|id| std::cmp::Reverse(id.parse::<i64>().unwrap()));
    assert_eq!(seen, sorted, "newest first");
    // min_id gives the statuses right after the cursor, newest first.
    let oldest = seen.last().unwrap();
    let after = stranger
        .ok(&format!("{base}?exclude_reblogs=1&limit=2&min_id={oldest}"))
        .await;
    let after_ids: Vec<&str> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        after_ids,
        [seen[seen.len() - 3].as_str(), seen[seen.len() - 2].as_str()]
    );
    let since = stranger
        .ok(&format!(
            "{base}?exclude_reblogs=1&limit=2&since_id={oldest}"
        ))
        .await;
    assert_eq!(since[0]["id"], json!(seen[0]));

    // Following lists page over follow ids.
    let following = follower
        .get_reply(&format!("/api/v1/accounts/{}/following", follower_actor.id))
        .await;
    assert_eq!(following.body[0]["id"], author.id.to_string());
    assert!(following.link("next").is_some());
}
