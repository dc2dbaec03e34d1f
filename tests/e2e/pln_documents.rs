//! Documents as resource attachments across two nodes: a teacher on B uploads a PDF and a DOCX
//! to `POST /api/v1/pln/uploads` (types from their content, an HTML file named `.pdf` and an
//! oversized file refused), the stored files download with a sanitised name and no sniffing, and
//! a resource carrying the PDF reaches a trainee on A with the document attachment (a link to B).
use crate::api_client::{ApiClient, follow_across};
use crate::harness::{TestNode, eventually};
use chrono::Utc;
use halqa::service::institutions;
use serde_json::{Value, json};
use std::io::{Cursor, Write};

/// The start of a real PDF file, padded to `len` bytes with a comment.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\nendobj\n%".to_vec();
    bytes.resize(len.max(bytes.len()), b'x');
    bytes
}

/// A minimal Word document: the OOXML parts that name it.
fn docx() -> Vec<u8> {
    use zip::{ZipWriter, write::SimpleFileOptions};
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
        ("word/document.xml", "<w:document/>"),
    ] {
        writer.start_file(name, stored).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_with_a_pdf_reaches_another_node() {
    let a = TestNode::spawn().await;
    let dir = std::env::temp_dir().join(format!(
        "halqa-documents-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    ));
    let media_dir = dir.clone();
    let b = TestNode::spawn_with(move |c| {
        c.media.dir = media_dir.display().to_string();
        c.media.max_document_bytes = 64 * 1024;
    })
    .await;
    for (node, peer) in [(&a, &b), (&b, &a)] {
        institutions::refresh_host(&node.data(), &peer.domain)
            .await
            .unwrap();
    }
    let amina = ApiClient::new(&a, "amina").await;
    let bob = ApiClient::new(&b, "bob").await;
    follow_across(&a, amina.actor(), &b, "bob").await;

    // Bad documents: HTML named .pdf, an oversized PDF, a PDF through the Mastodon endpoint.
    let (status, err) = bob
        .upload(
            "/api/v1/pln/uploads",
            "fiche.pdf",
            b"<!DOCTYPE html><script>alert(1)</script>",
            &[],
        )
        .await;
    assert_eq!(status, 422, "{err}");
    let (status, err) = bob
        .upload("/api/v1/pln/uploads", "big.pdf", &pdf(65 * 1024), &[])
        .await;
    assert_eq!(status, 413, "{err}");
    let (status, err) = bob
        .upload("/api/v2/media", "fiche.pdf", &pdf(2000), &[])
        .await;
    assert_eq!(
        status, 422,
        "Mastodon's media endpoint stays media-only: {err}"
    );
    let leftovers = std::fs::read_dir(&dir)
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(leftovers, 0, "refused uploads leave no file");

    // A DOCX is known by its parts whatever its name.
    let (status, word) = bob
        .upload("/api/v1/pln/uploads", "plan.bin", &docx(), &[])
        .await;
    assert_eq!(status, 200, "{word}");
    assert_eq!(
        word["media_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );

    // The PDF: stored, and served as a download with a sanitised name.
    let (status, doc) = bob
        .upload("/api/v1/pln/uploads", "Fiche élève.pdf", &pdf(2000), &[])
        .await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["media_type"], "application/pdf");
    assert_eq!(doc["name"], "Fiche élève.pdf");
    assert_eq!(doc["size"], 2000);
    let url = doc["url"].as_str().unwrap().to_string();
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.status().as_u16(), 200);
    let header = |name: &str| {
        served
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"Fiche-l-ve.pdf\""
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(served.bytes().await.unwrap().to_vec(), pdf(2000));

    // Bob publishes a worksheet with the PDF.
    let body = json!({
        "title": "Fiche d'exercices : fractions",
        "description": "Exercices à imprimer.",
        "resource_type": "worksheet",
        "subjects": ["mathematics"],
        "levels": ["middle"],
        "languages": ["fr"],
        "license": "CC-BY-4.0",
        "media_ids": [doc["id"]],
    });
    let (status, created) = bob.post("/api/v1/pln/resources", body).await;
    assert_eq!(status, 200, "{created}");
    let file = &created["attachments"][0];
    assert_eq!(file["media_type"], "application/pdf", "{created}");
    assert_eq!(file["name"], "Fiche élève.pdf");
    assert_eq!(file["size"], 2000);
    assert_eq!(file["url"], url.as_str());
    // Mastodon clients see the file as an `unknown` attachment without a preview image.
    let status_id = created["status_id"].as_str().unwrap();
    let (_, on_b) = bob.get(&format!("/api/v1/statuses/{status_id}")).await;
    assert_eq!(on_b["media_attachments"][0]["type"], "unknown", "{on_b}");
    assert_eq!(on_b["media_attachments"][0]["preview_url"], Value::Null);

    // A stores the document attachment as a link to B (nothing downloaded).
    let uri = created["uri"].as_str().unwrap().to_string();
    let on_a = std::sync::Arc::new(std::sync::Mutex::new(Value::Null));
    eventually("the resource with its PDF on A", || {
        let (on_a, uri, amina) = (on_a.clone(), uri.clone(), &amina);
        async move {
            let (status, list) = amina.get("/api/v1/pln/resources?local=false").await;
            let found = list
                .as_array()
                .and_then(|l| l.iter().find(|r| r["uri"] == uri.as_str()).cloned());
            let ok = status == 200 && found.is_some();
            if let Some(found) = found {
                *on_a.lock().unwrap() = found;
            }
            ok
        }
    })
    .await;
    let on_a = on_a.lock().unwrap().clone();
    let file = &on_a["attachments"][0];
    assert_eq!(file["media_type"], "application/pdf", "{on_a}");
    assert_eq!(file["url"], url.as_str());
    assert_eq!(file["name"], "Fiche élève.pdf");
    assert_eq!(file["size"], 2000);
    assert_eq!(file["media_id"], Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}
