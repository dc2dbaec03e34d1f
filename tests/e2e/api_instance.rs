//! The instance endpoints' contract: `/api/v1/instance` and `/api/v2/instance` with every field
//! and the right JSON type (trailing slash too), a real thumbnail image, the first admin as
//! contact, the `/api/v1/instance/*` documents (peers from known remote accounts, 12 weeks of
//! activity), and JSON 404/405 around them.
use crate::harness::{TestNode, cluster};
use halqa::service::accounts;
use serde_json::Value;

fn is_json(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

async fn get_json(url: &str) -> Value {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    assert!(is_json(&response), "{url}");
    response.json().await.unwrap()
}

fn string(v: &Value, path: &str) {
    assert!(
        v.pointer(path).is_some_and(Value::is_string),
        "{path} should be a string in {v}"
    );
}
fn number(v: &Value, path: &str) {
    assert!(
        v.pointer(path).is_some_and(Value::is_u64),
        "{path} should be a number in {v}"
    );
}
fn boolean(v: &Value, path: &str) {
    assert!(
        v.pointer(path).is_some_and(Value::is_boolean),
        "{path} should be a boolean in {v}"
    );
}
fn array(v: &Value, path: &str) {
    assert!(
        v.pointer(path).is_some_and(Value::is_array),
        "{path} should be an array in {v}"
    );
}
fn null_or_object(v: &Value, path: &str) {
    assert!(
        v.pointer(path)
            .is_some_and(|x| x.is_null() || x.is_object()),
        "{path} should be null or an object in {v}"
    );
}

fn assert_media_and_polls(c: &Value) {
    number(c, "/statuses/max_characters");
    number(c, "/statuses/max_media_attachments");
    number(c, "/statuses/characters_reserved_per_url");
    array(c, "/media_attachments/supported_mime_types");
    for key in [
        "image_size_limit",
        "image_matrix_limit",
        "video_size_limit",
        "video_frame_rate_limit",
        "video_matrix_limit",
    ] {
        number(c, &format!("/media_attachments/{key}"));
    }
    for key in [
        "max_options",
        "max_characters_per_option",
        "min_expiration",
        "max_expiration",
    ] {
        number(c, &format!("/polls/{key}"));
    }
    number(c, "/accounts/max_featured_tags");
    number(c, "/accounts/max_pinned_statuses");
    boolean(c, "/translation/enabled");
}

fn assert_v1_shape(v: &Value, domain: &str) {
    assert_eq!(v["uri"], domain);
    for key in [
        "title",
        "short_description",
        "description",
        "email",
        "version",
        "thumbnail",
    ] {
        string(v, &format!("/{key}"));
    }
    assert!(
        v["version"]
            .as_str()
            .unwrap()
            .starts_with("4.3.0 (compatible; Halqa ")
    );
    string(v, "/urls/streaming_api");
    assert!(
        v["urls"]["streaming_api"]
            .as_str()
            .unwrap()
            .starts_with("ws")
    );
    for key in ["user_count", "status_count", "domain_count"] {
        number(v, &format!("/stats/{key}"));
    }
    array(v, "/languages");
    boolean(v, "/registrations");
    boolean(v, "/approval_required");
    boolean(v, "/invites_enabled");
    assert_media_and_polls(&v["configuration"]);
    assert_eq!(v["configuration"]["statuses"]["max_characters"], 500);
    null_or_object(v, "/contact_account");
    array(v, "/rules");
}

fn assert_v2_shape(v: &Value, domain: &str) {
    assert_eq!(v["domain"], domain);
    for key in ["title", "version", "source_url", "description"] {
        string(v, &format!("/{key}"));
    }
    number(v, "/usage/users/active_month");
    string(v, "/thumbnail/url");
    string(v, "/thumbnail/versions/@1x");
    array(v, "/icon");
    array(v, "/languages");
    let c = &v["configuration"];
    string(c, "/urls/streaming");
    string(c, "/vapid/public_key");
    assert_media_and_polls(c);
    number(c, "/media_attachments/description_limit");
    boolean(v, "/registrations/enabled");
    boolean(v, "/registrations/approval_required");
    assert!(v["registrations"]["message"].is_null());
    assert!(v["registrations"]["url"].is_null());
    assert_eq!(v["api_versions"]["mastodon"], 2);
    assert_eq!(v["api_versions"]["pln"], 1);
    string(v, "/contact/email");
    null_or_object(v, "/contact/account");
    array(v, "/rules");
}

#[tokio::test]
async fn instance_v1_and_v2_have_complete_shapes() {
    let node = TestNode::spawn().await;
    for path in ["/api/v1/instance", "/api/v1/instance/"] {
        let v = get_json(&format!("{}{path}", node.base)).await;
        assert_v1_shape(&v, &node.domain);
        assert!(v["contact_account"].is_null(), "no admin yet");
    }
    for path in ["/api/v2/instance", "/api/v2/instance/"] {
        let v = get_json(&format!("{}{path}", node.base)).await;
        assert_v2_shape(&v, &node.domain);
    }

    // The thumbnail is a real image.
    let v1 = get_json(&format!("{}/api/v1/instance", node.base)).await;
    let thumbnail = reqwest::get(v1["thumbnail"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(thumbnail.status(), 200);
    assert_eq!(thumbnail.headers()["content-type"], "image/png");
    assert!(thumbnail.bytes().await.unwrap().starts_with(b"\x89PNG"));

    // The first admin is the contact account, in both versions.
    let data = node.data();
    accounts::create_user(
        &data.db,
        &data.ids,
        &data.urls,
        &data.config.instance.domain,
        accounts::NewUser {
            username: "director".into(),
            email: "director@example.org".into(),
            password: "correct horse battery".into(),
            role: "admin".into(),
        },
    )
    .await
    .unwrap();
    let v1 = get_json(&format!("{}/api/v1/instance", node.base)).await;
    assert_eq!(v1["contact_account"]["username"], "director");
    string(&v1, "/contact_account/header");
    assert_eq!(v1["stats"]["user_count"], 1);
    let v2 = get_json(&format!("{}/api/v2/instance", node.base)).await;
    assert_eq!(v2["contact"]["account"]["acct"], "director");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_documents_have_their_shapes() {
    let [a, b] = cluster::<2>().await;
    b.create_user("bob").await;
    a.resolve(&b.handle("bob")).await;

    let peers = get_json(&format!("{}/api/v1/instance/peers", a.base)).await;
    assert_eq!(peers, serde_json::json!([b.domain]));
    let v1 = get_json(&format!("{}/api/v1/instance", a.base)).await;
    assert_eq!(v1["stats"]["domain_count"], 1);

    let activity = get_json(&format!("{}/api/v1/instance/activity", a.base)).await;
    let weeks = activity.as_array().unwrap();
    assert_eq!(weeks.len(), 12);
    for w in weeks {
        for key in ["week", "statuses", "logins", "registrations"] {
            string(w, &format!("/{key}"));
        }
    }
    assert!(
        weeks[0]["week"].as_str().unwrap().parse::<i64>().unwrap()
            > weeks[1]["week"].as_str().unwrap().parse::<i64>().unwrap()
    );

    assert_eq!(
        get_json(&format!("{}/api/v1/instance/rules", a.base)).await,
        serde_json::json!([])
    );
    for doc in ["extended_description", "privacy_policy"] {
        let v = get_json(&format!("{}/api/v1/instance/{doc}", a.base)).await;
        string(&v, "/updated_at");
        string(&v, "/content");
    }
    let tos = get_json(&format!("{}/api/v1/instance/terms_of_service", a.base)).await;
    string(&tos, "/content");
    boolean(&tos, "/effective");
    array(
        &get_json(&format!("{}/api/v1/instance/domain_blocks", a.base)).await,
        "",
    );
    assert!(
        get_json(&format!("{}/api/v1/instance/translation_languages", a.base))
            .await
            .is_object()
    );
    let languages = get_json(&format!("{}/api/v1/instance/languages", a.base)).await;
    assert!(
        languages
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["code"] == "ar")
    );
}

#[tokio::test]
async fn unknown_instance_routes_and_wrong_methods_answer_json() {
    let node = TestNode::spawn().await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/api/v1/instance/nope", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(is_json(&response));
    let response = http
        .delete(format!("{}/api/v2/instance", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(is_json(&response));
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
}
