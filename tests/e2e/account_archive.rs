//! Account archives across three nodes: Alice on A has resources (one with a PDF), a
//! collection (her resource and Bob's), a mentorship with Bob on C (goals, a meeting,
//! messages), follows and posts; she exports her archive from A and imports it as alice2 on B.
//! On B: the resources are hers again (with their file and the original URL), the collection
//! is rebuilt (her item pointing to the new copy, Bob's resolved by URL), public posts are
//! archived (not federated), and the follow of the CSV reaches C and is accepted. The
//! mentorship is private: while alice2 does not list Alice as an alias, it is left out and the
//! report says why; imported again after the alias is added, it keeps its agreement id and
//! history with Bob, and a message Bob sent to alice2 before the import (held) joins it. Hostile archives are refused with nothing stored, and the import page
//! shows the report.
use crate::{
    api_client::{follow_across, post_signed},
    harness::{TestNode, cluster, eventually},
    pln_shared::knows_halqa,
    web_browser::Browser,
};
use futures_util::stream;
use halqa::{
    db::{
        self,
        entity::{
            account_import, archived_post, collection, held_activity, mentorship_goal,
            mentorship_meeting, mentorship_message, resource,
        },
    },
    error::AppError,
    service::{
        archive::export,
        collections::{self, CollectionInput, items::ItemRef},
        documents::{self, DocumentUpload},
        imports::{
            self, NewImport,
            report::{Counts, Notice, ReportBody},
        },
        mentorship::{
            offers::{self, OfferInput},
            requests::{self, RequestInput},
            space::{self, MeetingInput},
        },
        moves,
        posts::{self, NewPost},
        resources::{self, ResourceInput},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::io::{Read, Write};

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\nendobj\n%".to_vec();
    bytes.resize(3000, b'x');
    bytes
}

fn lesson(title: &str, media_ids: Vec<i64>) -> ResourceInput {
    ResourceInput {
        title: title.into(),
        description: "Une séance complète.".into(),
        body: "## Déroulement\n\n1. Rappel".into(),
        license: Some("CC-BY-SA-4.0".into()),
        resource_type: "lesson_plan".into(),
        subjects: vec!["mathematics".into()],
        levels: vec!["middle".into()],
        languages: vec!["fr".into()],
        media_ids,
        ..Default::default()
    }
}

fn post(text: &str, visibility: &str) -> NewPost {
    NewPost {
        text: text.into(),
        spoiler_text: None,
        sensitive: false,
        visibility: visibility.into(),
        language: Some("fr".into()),
        in_reply_to_id: None,
    }
}

/// Stores `bytes` as an upload of `node` and queues its import for `who`.
async fn import(
    node: &TestNode,
    who: &halqa::db::entity::actor::Model,
    kind: &str,
    bytes: Vec<u8>,
) -> Result<account_import::Model, AppError> {
    let data = node.data();
    let path = imports::store_upload(
        &data,
        stream::iter([Ok::<_, AppError>(bytes)]),
        imports::limit_for(kind),
    )
    .await?;
    imports::enqueue(
        &data,
        who,
        NewImport {
            kind: kind.into(),
            mode: "merge".into(),
            original_name: "archive.zip".into(),
            path,
        },
    )
    .await
}

/// Waits for import `id` on `node` to end, and returns it.
async fn finished(node: &TestNode, id: i64) -> account_import::Model {
    let data = node.data();
    eventually("the import to finish", || {
        let data = data.clone();
        async move {
            db::archives::get_import(&data.db.read, id)
                .await
                .is_ok_and(|r| r.state == "done" || r.state == "failed")
        }
    })
    .await;
    db::archives::get_import(&data.db.read, id).await.unwrap()
}

/// The archive `bytes` with member `name` replaced by `content` (or added).
fn rewritten(bytes: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..source.len() {
        let mut member = source.by_index(i).unwrap();
        let member_name = member.name().unwrap().to_string();
        if member_name == name {
            continue;
        }
        let mut data = Vec::new();
        member.read_to_end(&mut data).unwrap();
        out.start_file(member_name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.start_file(name, options).unwrap();
    out.write_all(content).unwrap();
    out.finish().unwrap().into_inner()
}

fn member(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_moves_with_its_archive() {
    let [a, b, c] = cluster::<3>().await;
    let (da, db_, dc) = (a.data(), b.data(), c.data());
    for (node, peer) in [(&a, &c), (&c, &a), (&b, &c), (&c, &b), (&a, &b), (&b, &a)] {
        knows_halqa(node, peer).await;
    }
    let alice = a.create_user("alice").await;
    let bob = c.create_user("bob").await;
    c.create_user("carol").await;
    let alice2 = b.create_user("alice2").await;

    // Alice follows Carol on C; Bob publishes a resource and a mentorship offer.
    follow_across(&a, &alice, &c, "carol").await;
    let bobs = resources::publish(&dc, &bob, lesson("Géométrie au collège", vec![]))
        .await
        .unwrap();
    let offer = offers::publish_offer(
        &dc,
        &bob,
        OfferInput {
            title: "Premiers pas en mathématiques".into(),
            description: "Un appel par semaine.".into(),
            subjects: vec!["mathematics".into()],
            levels: vec!["middle".into()],
            languages: vec!["fr".into()],
            format: "online".into(),
            region: None,
            capacity: 2,
            starts_at: None,
            ends_at: None,
        },
    )
    .await
    .unwrap();

    // Alice's resources (one with a PDF), collection and posts.
    let doc = documents::upload_document(
        &da,
        alice.id,
        DocumentUpload {
            chunks: stream::iter([Ok::<_, AppError>(pdf())]),
            file_name: "Fiche 3.pdf".into(),
            description: None,
        },
    )
    .await
    .unwrap();
    let with_file = resources::publish(&da, &alice, lesson("Les fractions en 6e", vec![doc.id]))
        .await
        .unwrap();
    let plain = resources::publish(&da, &alice, lesson("Le calcul mental", vec![]))
        .await
        .unwrap();
    let coll = collections::create(
        &da,
        &alice,
        None,
        CollectionInput {
            title: "Fractions au collège".into(),
            description: "Un parcours.".into(),
            subjects: vec!["mathematics".into()],
            visibility: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    collections::items::add(
        &da,
        &alice,
        coll.id,
        ItemRef::Id(with_file.id),
        "Pour commencer",
    )
    .await
    .unwrap();
    collections::items::add(&da, &alice, coll.id, ItemRef::Url(bobs.ap_id.clone()), "")
        .await
        .unwrap();
    posts::create_post(&da, &alice, post("Bonjour le réseau #halqa", "public"))
        .await
        .unwrap();
    posts::create_post(&da, &alice, post("Pour mes abonnés seulement", "private"))
        .await
        .unwrap();

    // The mentorship: Alice requests Bob's offer, Bob accepts; goals, a meeting, messages.
    let offer_url = url::Url::parse(&offer.ap_id).unwrap();
    halqa::federation::activities::mentorship::fetch_offer(&da, &offer_url).await;
    let a_offer = db::mentorship::find_offer_by_ap_id(&da.db.read, &offer.ap_id)
        .await
        .unwrap()
        .expect("A knows Bob's offer");
    let req = requests::request_mentorship(
        &da,
        &alice,
        a_offer.id,
        RequestInput {
            message: "J'aimerais progresser en différenciation.".into(),
            goals: vec!["Préparer une séquence".into()],
        },
    )
    .await
    .unwrap();
    let req_ap = req.ap_id.clone();
    let dc2 = dc.clone();
    eventually("C to have Alice's request", || {
        let (dc, ap) = (dc2.clone(), req_ap.clone());
        async move {
            db::mentorship::find_request_by_ap_id(&dc.db.read, &ap)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    let c_req = db::mentorship::find_request_by_ap_id(&dc.db.read, &req.ap_id)
        .await
        .unwrap()
        .unwrap();
    let (_, c_agreement) = requests::accept_request(&dc, &bob, c_req.id).await.unwrap();
    let agreement_ap = c_agreement.ap_id.clone();
    let da2 = da.clone();
    eventually("A to have the mentorship", || {
        let (da, ap) = (da2.clone(), agreement_ap.clone());
        async move {
            db::mentorship::find_agreement_by_ap_id(&da.db.read, &ap)
                .await
                .unwrap()
                .is_some()
        }
    })
    .await;
    let a_agreement = db::mentorship::find_agreement_by_ap_id(&da.db.read, &agreement_ap)
        .await
        .unwrap()
        .unwrap();
    space::add_goal(&da, &alice, a_agreement.id, "Observer une séance")
        .await
        .unwrap();
    space::log_meeting(
        &da,
        &alice,
        a_agreement.id,
        MeetingInput {
            date: "2026-11-20".into(),
            notes: "Groupes et ateliers".into(),
            next_steps: "Essayer les ateliers".into(),
        },
    )
    .await
    .unwrap();
    space::send_message(&da, &alice, a_agreement.id, "Merci beaucoup")
        .await
        .unwrap();
    space::send_message(&dc, &bob, c_agreement.id, "Avec plaisir")
        .await
        .unwrap();
    let da3 = da.clone();
    let a_id = a_agreement.id;
    eventually("A to have Bob's message", || {
        let da = da3.clone();
        async move {
            mentorship_message::Entity::find()
                .filter(mentorship_message::Column::AgreementId.eq(a_id))
                .count(&da.db.read)
                .await
                .unwrap()
                == 2
        }
    })
    .await;

    // Export from A.
    let out = a.media_dir.join("alice.zip");
    export::write_archive(&da, &alice, &out).await.unwrap();
    let archive = std::fs::read(&out).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&member(&archive, "halqa-archive.json")).unwrap();
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["actor"], alice.ap_id);
    assert!(member(&archive, "following_accounts.csv").contains(&c.handle("carol")));
    let outbox: serde_json::Value = serde_json::from_str(&member(&archive, "outbox.json")).unwrap();
    assert_eq!(outbox["type"], "OrderedCollection");
    // The public post, the private one and the request's direct message: the readable statuses
    // of resources and collections are not posts of their own.
    assert_eq!(outbox["totalItems"], 3, "{outbox}");

    // Hostile archives are refused on B, with nothing stored.
    let imports_before = account_import::Entity::find()
        .count(&db_.db.read)
        .await
        .unwrap();
    let mut resources_json: serde_json::Value =
        serde_json::from_str(&member(&archive, "resources.json")).unwrap();
    resources_json[0]["id"] = serde_json::json!(format!("{}/resources/999", c.base));
    let foreign = rewritten(
        &archive,
        "resources.json",
        resources_json.to_string().as_bytes(),
    );
    let err = import(&b, &alice2, "archive", foreign).await.unwrap_err();
    assert!(
        err.to_string().contains("not on the account's server"),
        "{err}"
    );
    let traversal = rewritten(&archive, "../../etc/cron.d/evil", b"* * * * * root true");
    let err = import(&b, &alice2, "archive", traversal).await.unwrap_err();
    assert!(err.to_string().contains("unexpected file name"), "{err}");
    let mut old = manifest.clone();
    old["version"] = serde_json::json!(7);
    let versioned = rewritten(&archive, "halqa-archive.json", old.to_string().as_bytes());
    let err = import(&b, &alice2, "archive", versioned).await.unwrap_err();
    assert!(err.to_string().contains("version 7"), "{err}");
    let err = import(&b, &alice2, "archive", b"not a zip".to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a readable ZIP"), "{err}");
    // An archive of an account of this very node is not for moving here.
    let local = rewritten(
        &archive,
        "halqa-archive.json",
        {
            let mut m = manifest.clone();
            m["actor"] = serde_json::json!(alice2.ap_id);
            m.to_string()
        }
        .as_bytes(),
    );
    assert!(import(&b, &alice2, "archive", local).await.is_err());
    assert_eq!(
        account_import::Entity::find()
            .count(&db_.db.read)
            .await
            .unwrap(),
        imports_before
    );
    assert_eq!(
        resource::Entity::find()
            .filter(resource::Column::AuthorId.eq(alice2.id))
            .count(&db_.db.read)
            .await
            .unwrap(),
        0
    );
    let leftovers = std::fs::read_dir(imports::uploads_dir(&db_))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 0, "refused uploads leave no file");

    // The real archive is imported on B by the import worker.
    let queued = import(&b, &alice2, "archive", archive.clone())
        .await
        .unwrap();
    assert_eq!(queued.state, "queued");
    let done = finished(&b, queued.id).await;
    assert_eq!(done.state, "done", "{:?} {}", done.error, done.report);
    assert_eq!(done.processed, done.total, "{}", done.report);

    // Resources: Alice2's own again, with the original URL and the PDF stored on B.
    let copies = resource::Entity::find()
        .filter(resource::Column::AuthorId.eq(alice2.id))
        .all(&db_.db.read)
        .await
        .unwrap();
    assert_eq!(copies.len(), 2, "{}", done.report);
    let copy = copies
        .iter()
        .find(|r| r.title == "Les fractions en 6e")
        .unwrap();
    assert!(copy.local);
    assert_eq!(copy.original_url.as_deref(), with_file.url.as_deref());
    assert_eq!(copy.license, "CC-BY-SA-4.0");
    let files = db::resources::attachments_of(&db_.db.read, &[copy.id])
        .await
        .unwrap()
        .remove(&copy.id)
        .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].media_type, "application/pdf");
    assert!(files[0].url.starts_with(&b.base), "{}", files[0].url);
    assert!(files[0].media_id.is_some());
    assert!(copies.iter().any(|r| r.original_url == plain.url));

    // The collection: her item points to the new copy, Bob's resource is resolved by URL.
    let colls = collection::Entity::find()
        .filter(collection::Column::OwnerId.eq(alice2.id))
        .all(&db_.db.read)
        .await
        .unwrap();
    assert_eq!(colls.len(), 1);
    assert_eq!(colls[0].original_url.as_deref(), coll.url.as_deref());
    let items = db::collections::items_of(&db_.db.read, colls[0].id)
        .await
        .unwrap();
    assert_eq!(items.len(), 2, "{}", done.report);
    assert_eq!(items[0].resource_id, copy.id);
    assert_eq!(items[0].note, "Pour commencer");
    let second = db::resources::get(&db_.db.read, items[1].resource_id)
        .await
        .unwrap();
    assert_eq!(second.ap_id, bobs.ap_id);

    // No mentorship: alice2 does not list Alice's account as an alias; the report says why.
    assert!(
        db::mentorship::find_agreement_by_ap_id(&db_.db.read, &agreement_ap)
            .await
            .unwrap()
            .is_none(),
        "a mentorship restored without the alias"
    );
    let report = ReportBody::of(&done);
    assert_eq!(
        report.counts["mentorships"],
        Counts {
            imported: 0,
            skipped: 1
        }
    );
    assert_eq!(
        report.notices,
        vec![Notice::mentorships_need_alias(&alice.ap_id)]
    );
    assert!(
        report.lines.iter().any(|l| l.kind == "mentorships"
            && l.item == agreement_ap
            && l.reason.contains("alias")),
        "{}",
        done.report
    );

    // Posts: the public one is archived (never a status here), the private one is skipped.
    let archived = archived_post::Entity::find()
        .filter(archived_post::Column::ActorId.eq(alice2.id))
        .all(&db_.db.read)
        .await
        .unwrap();
    assert_eq!(archived.len(), 1);
    assert!(archived[0].content.contains("Bonjour le réseau"));
    assert!(done.report.contains("not public"), "{}", done.report);

    // The follow of the CSV goes to C and is accepted.
    let carol_on_b = b.resolve(&c.handle("carol")).await;
    let (follower, target) = (alice2.id, carol_on_b.id);
    let db2 = db_.clone();
    eventually("alice2's follow of Carol to be accepted", || {
        let db2 = db2.clone();
        async move {
            db::follows::find(&db2.db.read, follower, target)
                .await
                .ok()
                .flatten()
                .is_some_and(|f| f.accepted)
        }
    })
    .await;

    // alice2 declares Alice's account as an alias (the link a move needs) and imports the same
    // archive again: the mentorship comes, and nothing else is stored twice.
    moves::add_alias(&db_, &alice2, &alice.ap_id).await.unwrap();
    // Before the import, Bob writes to alice2 in their mentorship (as after a Move): B does not
    // know the agreement yet and holds the message for the import.
    let held_message = serde_json::json!({
        "type": "Create", "id": format!("{}#create-held-1", bob.ap_id), "actor": bob.ap_id,
        "to": [alice2.ap_id],
        "object": {"type": "MentorshipMessage", "id": format!("{}#held-1", bob.ap_id),
                   "attributedTo": bob.ap_id, "context": agreement_ap, "to": [alice2.ap_id],
                   "content": "<p>Tu es bien arrivée ?</p>"},
    });
    let (status, body) = post_signed(&format!("{}/inbox", b.base), &bob, &held_message).await;
    assert!((200..300).contains(&status), "{status} {body}");
    let held = || async {
        held_activity::Entity::find()
            .count(&db_.db.read)
            .await
            .unwrap()
    };
    assert_eq!(held().await, 1);
    let again = import(&b, &alice2, "archive", archive.clone())
        .await
        .unwrap();
    let again = finished(&b, again.id).await;
    assert_eq!(again.state, "done");
    let report = ReportBody::of(&again);
    assert!(report.notices.is_empty(), "{}", again.report);
    assert_eq!(report.counts["mentorships"].imported, 1, "{}", again.report);
    assert_eq!(
        resource::Entity::find()
            .filter(resource::Column::AuthorId.eq(alice2.id))
            .count(&db_.db.read)
            .await
            .unwrap(),
        2
    );
    assert!(
        again.report.contains("already imported"),
        "{}",
        again.report
    );

    // The mentorship: same agreement id, linked to Bob, with its history.
    let m = db::mentorship::find_agreement_by_ap_id(&db_.db.read, &agreement_ap)
        .await
        .unwrap()
        .expect("the mentorship is on B");
    assert_eq!(m.mentee_id, alice2.id);
    assert_eq!(m.state, "active");
    let bob_on_b = db::actors::get_by_id(&db_.db.read, m.mentor_id)
        .await
        .unwrap();
    assert_eq!(bob_on_b.ap_id, bob.ap_id);
    let goals = mentorship_goal::Entity::find()
        .filter(mentorship_goal::Column::AgreementId.eq(m.id))
        .count(&db_.db.read)
        .await
        .unwrap();
    // The request's goal (added when Bob accepted) and the one Alice added.
    assert_eq!(goals, 2);
    let meetings = mentorship_meeting::Entity::find()
        .filter(mentorship_meeting::Column::AgreementId.eq(m.id))
        .all(&db_.db.read)
        .await
        .unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].author_id, alice2.id);
    assert_eq!(meetings[0].held_on, "2026-11-20");
    let messages = mentorship_message::Entity::find()
        .filter(mentorship_message::Column::AgreementId.eq(m.id))
        .all(&db_.db.read)
        .await
        .unwrap();
    // The two of the archive, and the one held for the import.
    assert_eq!(messages.len(), 3);
    assert!(
        messages
            .iter()
            .any(|x| x.author_id == bob_on_b.id && x.content == "Avec plaisir")
    );
    assert!(
        messages
            .iter()
            .any(|x| x.author_id == bob_on_b.id && x.content == "Tu es bien arrivée ?"),
        "{messages:?}"
    );
    assert_eq!(held().await, 0);
    // A process that died between storing the mentorship and applying what was held leaves
    // the held rows: the resumed (here: repeated) import applies them.
    let mut late = held_message.clone();
    late["id"] = serde_json::json!(format!("{}#create-held-2", bob.ap_id));
    late["object"]["id"] = serde_json::json!(format!("{}#held-2", bob.ap_id));
    late["object"]["content"] = serde_json::json!("<p>Toujours là ?</p>");
    halqa::db::moves::hold_activity(
        &db_.db.write,
        7,
        alice2.id,
        &agreement_ap,
        &late.to_string(),
    )
    .await
    .unwrap();
    let third = import(&b, &alice2, "archive", archive).await.unwrap();
    assert_eq!(finished(&b, third.id).await.state, "done");
    assert_eq!(held().await, 0);
    assert!(
        mentorship_message::Entity::find()
            .filter(mentorship_message::Column::AgreementId.eq(m.id))
            .all(&db_.db.read)
            .await
            .unwrap()
            .iter()
            .any(|x| x.content == "Toujours là ?")
    );
    assert!(space::get_mentorship(&db_, &alice2, m.id).await.is_ok());

    // The pages: the import report, the archived posts, the archive download.
    let web = Browser::log_in(&b, "alice2").await;
    let page = web.get("/settings/import").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("name=\"csrf\""));
    assert!(page.body.contains("archive.zip"), "{}", page.body);
    // The first import's notice, in the page's language, with the way to the aliases.
    assert!(page.body.contains("import-notice"), "{}", page.body);
    assert!(
        page.body.contains("Your mentorships were not restored"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/settings/migration\""));
    let archived_page = web.get("/@alice2/archived").await;
    assert_eq!(archived_page.status, 200);
    assert!(archived_page.body.contains("Bonjour le réseau"));
    let profile = web.get("/@alice2").await;
    let link = format!("/@{}/archived", b.handle("alice2"));
    assert!(profile.body.contains(&link), "{}", profile.body);
    assert_eq!(web.get(&link).await.status, 200);
    let page_of_copy = web.get(&format!("/resources/{}", copy.id)).await;
    assert!(
        page_of_copy
            .body
            .contains(with_file.url.as_deref().unwrap()),
        "{}",
        page_of_copy.body
    );
    let settings = web.get("/settings").await;
    assert!(settings.body.contains("href=\"/settings/archive\""));
    let web_a = Browser::log_in(&a, "alice").await;
    let download = web_a.get("/settings/archive").await;
    assert_eq!(download.status, 200);
}

#[tokio::test]
async fn mastodon_csv_imports_follow_block_and_refuse_bad_files() {
    let [a, b] = cluster::<2>().await;
    let amina = a.create_user("amina").await;
    b.create_user("karim").await;
    b.create_user("spam").await;
    let csv = format!(
        "Account address,Show boosts,Notify on new posts,Languages\n{},true,false,\nnobody@{}\n",
        b.handle("karim"),
        b.domain
    );
    let queued = import(&a, &amina, "following", csv.into_bytes())
        .await
        .unwrap();
    let done = finished(&a, queued.id).await;
    assert_eq!(done.state, "done", "{:?}", done.error);
    assert_eq!((done.imported, done.skipped), (1, 1), "{}", done.report);
    assert!(done.report.contains("nobody@"), "{}", done.report);
    let karim = a.resolve(&b.handle("karim")).await;
    assert!(
        db::follows::find(&a.data().db.read, amina.id, karim.id)
            .await
            .unwrap()
            .is_some()
    );
    // A worker that died mid-import (no heartbeat for long) is taken over: the import runs again
    // and what the first run did is not done twice.
    let data = a.data();
    let csv_again = format!("{}\n", b.handle("karim"));
    tokio::fs::write(
        imports::uploads_dir(&data).join(&done.file_name),
        &csv_again,
    )
    .await
    .unwrap();
    let mut crashed: account_import::ActiveModel = done.clone().into();
    crashed.state = sea_orm::Set("running".into());
    crashed.heartbeat_at = sea_orm::Set(Some(chrono::Utc::now() - chrono::Duration::hours(1)));
    crashed.finished_at = sea_orm::Set(None);
    sea_orm::ActiveModelTrait::update(crashed, &data.db.write)
        .await
        .unwrap();
    let resumed = finished(&a, done.id).await;
    assert_eq!(resumed.state, "done", "{:?}", resumed.error);
    assert_eq!(
        (resumed.imported, resumed.skipped),
        (1, 0),
        "{}",
        resumed.report
    );
    assert_eq!(
        halqa::db::entity::follow::Entity::find()
            .filter(halqa::db::entity::follow::Column::FollowerId.eq(amina.id))
            .count(&data.db.read)
            .await
            .unwrap(),
        1
    );
    let blocks = import(
        &a,
        &amina,
        "blocks",
        format!("{}\n", b.handle("spam")).into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(finished(&a, blocks.id).await.imported, 1);
    // Bad files are refused before anything is queued.
    let err = import(&a, &amina, "following", b"\xff\xfe".to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
    let err = import(&a, &amina, "blocks", b"not an address\n".to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    let err = import(&a, &amina, "lists", b"".to_vec()).await.unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = import(
        &a,
        &amina,
        "following",
        vec![b'a'; imports::limit_for("following") + 1],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::PayloadTooLarge(_)), "{err}");
}
