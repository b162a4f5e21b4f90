//! Every route of the JSON API and every page, over a small store with a hostile article.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use storyline_model::{Annotations, Article, Format, Origin, Span};
use storyline_server::{API_ROUTES, Db, openapi, router};
use storyline_store::Store;
use storyline_store::entities::EntityRow;
use tower::ServiceExt;

const HOSTILE_ID: &str = "bad0000000000001";
const CALM_ID: &str = "calm000000000002";
const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(2)>";

fn article(
    id: &str,
    source: &str,
    published: &str,
    headline: &str,
    text: &str,
    url: &str,
) -> Article {
    Article {
        id: id.into(),
        external_id: None,
        source: source.into(),
        url: Some(url.into()),
        headline: Some(headline.into()),
        dateline: None,
        byline: Some(format!("By {SCRIPT}")),
        section: None,
        credit: None,
        published: Some(published.into()),
        language: Some("en".into()),
        text: text.into(),
        paragraphs: vec![Span::new(0, text.chars().count())],
        removed: vec![],
        format: Format::Html,
        origin: Origin {
            path: format!("{id}.html"),
            record: None,
        },
    }
}

fn hostile_text() -> String {
    format!(
        "Officials met in Kursk {IMG} on Sunday to discuss a ceasefire. \
         <a href=\"javascript:alert(3)\">click</a> \"We want peace {SCRIPT},\" said Mallory."
    )
}

/// Where "on Sunday" starts (the text is ASCII, so bytes are code points).
fn sunday() -> usize {
    hostile_text().find("on Sunday").unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: Router,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let hostile_text = hostile_text();
    let sunday = sunday();
    store
        .insert_batch(
            &[
                article(
                    HOSTILE_ID,
                    &format!("Evil {SCRIPT} Times"),
                    "2025-03-17",
                    &format!("Ceasefire {SCRIPT} talks"),
                    &hostile_text,
                    "javascript:alert(4)",
                ),
                article(
                    CALM_ID,
                    "The Courier",
                    "2025-03-20",
                    "Markets steady",
                    "Markets were steady. \"It needs to happen soon,\" Rubio said.",
                    "https://courier.example/markets",
                ),
            ],
            "2025-03-21",
        )
        .unwrap();
    let q_start = hostile_text.chars().count() - 42;
    let n = hostile_text.chars().count();
    let hostile_layers: Annotations = serde_json::from_value(json!({
        "sentences": [{"start": 0, "end": n}], "tokens": [], "quantities": [],
        "events": [{
            "type": "CONSULT", "mode": null, "cameo": "040", "status": "asserted",
            "trigger": {"start": 10, "end": 13, "text": format!("met{SCRIPT}")},
            "actor": {"mention": {"start": 0, "end": 9, "text": "Officials"},
                      "name": format!("Officials {SCRIPT}"), "entity": null},
            "recipient": null,
            "place": {"mention": {"start": 17, "end": 22, "text": "Kursk"}, "name": format!("Kursk {IMG}"),
                      "entity": "kursk"},
            "time": "2025-03-16", "time_expression": 0, "sentence": 0, "quantities": []
        }],
        "claims": [{
            "content": {"start": 0, "end": 9, "text": format!("peace {SCRIPT}")},
            "asserted_by": {"mention": {"start": 0, "end": 9, "text": "Officials"},
                            "name": format!("Mallory {IMG}"), "entity": null},
            "sentence": 0, "quote": null,
            "disputed_by": [{"by": {"mention": {"start": 0, "end": 9, "text": "x"},
                                    "name": format!("Eve {SCRIPT}"), "entity": null},
                             "cue": {"start": 0, "end": 3, "text": format!("denied {IMG}")},
                             "sentence": 0}]
        }],
        "entities": [
            {"start": 17, "end": 22, "type": "PLACE", "text": "Kursk", "entity": "kursk"},
            {"start": q_start, "end": q_start + 8, "type": "PERSON", "text": "Mallory", "entity": "mallory"}
        ],
        "quotes": [{
            "start": q_start, "end": q_start + 20, "text": format!("We want peace {SCRIPT}"),
            "kind": "direct", "cue": null,
            "speaker": {"name": format!("Mallory {IMG}"), "description": null, "mention": null,
                        "entity": "mallory"}
        }],
        "times": [{"start": sunday, "end": sunday + 9, "text": "on Sunday", "type": "DATE", "value": "2025-03-16"}]
    }))
    .unwrap();
    let calm_layers: Annotations = serde_json::from_value(json!({
        "sentences": [], "tokens": [], "quantities": [], "events": [], "times": [],
        "entities": [{"start": 0, "end": 7, "type": "ORG", "text": "Markets", "entity": null}],
        "quotes": [{
            "start": 22, "end": 46, "text": "It needs to happen soon", "kind": "direct",
            "cue": null,
            "speaker": {"name": "Rubio", "description": null, "mention": null, "entity": null}
        }]
    }))
    .unwrap();
    store
        .save_annotations(
            &[(HOSTILE_ID, &hostile_layers), (CALM_ID, &calm_layers)],
            "test",
        )
        .unwrap();
    let entity = |id: &str, seq: i64, name: &str, kind: &str| EntityRow {
        id: id.into(),
        seq,
        name: name.into(),
        kind: kind.into(),
        mentions: 1,
        articles: 1,
        geonames: None,
        lat: None,
        lon: None,
        country: None,
        iso3: None,
        actor: None,
        aliases: vec![],
        roles: vec![],
        data: "{}".into(),
    };
    store
        .save_entities(&[
            entity("kursk", 1, "Kursk", "PLACE"),
            entity("mallory", 2, &format!("Mallory {SCRIPT}"), "PERSON"),
        ])
        .unwrap();
    drop(store);
    let db: Arc<Db> = Db::open(&path, 2).unwrap();
    Fixture {
        _dir: dir,
        app: router(db, Duration::from_secs(10)),
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn call(app: &Router, method: Method, uri: &str, body: Body) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(body)
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    call(app, Method::GET, uri, Body::empty()).await
}

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["error"]["status"], status.as_u16());
    assert_eq!(body["error"]["code"], code);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

/// The routes this API promises: changing it means changing this list on purpose.
const EXPECTED: &[&str] = &[
    "/articles",
    "/articles/{id}",
    "/entities",
    "/entities/{id}",
    "/events",
    "/openapi.json",
    "/quotes",
    "/search",
    "/sources",
    "/stories",
    "/stories/{id}",
    "/stories/{id}/claims",
    "/stories/{id}/timeline",
];

fn concrete(path: &str) -> String {
    let id = if path.starts_with("/entities") {
        "kursk"
    } else {
        CALM_ID
    };
    let query = if path == "/search" {
        "?q=ceasefire"
    } else {
        ""
    };
    format!("/api{}{query}", path.replace("{id}", id))
}

#[tokio::test]
async fn openapi_matches_the_routes() {
    let f = fixture();
    let served = get(&f.app, "/api/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    let doc = served.json();
    assert_eq!(doc, openapi());
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let registered: BTreeSet<&str> = API_ROUTES.iter().map(|r| r.path).collect();
    assert_eq!(documented, registered);
    assert_eq!(documented, EXPECTED.iter().copied().collect());
    // Every documented path answers 200 with JSON: none is documented but missing.
    for path in &documented {
        let reply = get(&f.app, &concrete(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/json",
            "{path}"
        );
        let _ = reply.json();
        // Path parameters are declared.
        for id in path.split('/').filter(|s| s.starts_with('{')) {
            let name = id.trim_matches(|c| c == '{' || c == '}');
            let params = doc["paths"][*path]["get"]["parameters"].as_array().unwrap();
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path"),
                "{path}"
            );
        }
    }
    // And a path outside the document is not served.
    assert_error(
        &get(&f.app, "/api/claims").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn articles_list_pages_and_filters() {
    let f = fixture();
    let page1 = get(&f.app, "/api/articles?limit=1").await.json();
    assert_eq!(page1["items"][0]["id"], CALM_ID, "newest first");
    assert_eq!(page1["next_offset"], 1);
    let page2 = get(&f.app, "/api/articles?limit=1&offset=1").await.json();
    assert_eq!(page2["items"][0]["id"], HOSTILE_ID);
    assert_eq!(page2["next_offset"], Value::Null);
    let by_source = get(&f.app, "/api/articles?source=the%20courier")
        .await
        .json();
    assert_eq!(by_source["items"].as_array().unwrap().len(), 1);
    let by_entity = get(&f.app, "/api/articles?entity=kursk").await.json();
    assert_eq!(by_entity["items"][0]["id"], HOSTILE_ID);
    let by_date = get(&f.app, "/api/articles?from=2025-03-18&to=2025-03-20")
        .await
        .json();
    assert_eq!(by_date["items"][0]["id"], CALM_ID);
    assert_eq!(by_date["items"].as_array().unwrap().len(), 1);
    let by_story = get(&f.app, &format!("/api/articles?story={HOSTILE_ID}"))
        .await
        .json();
    assert_eq!(by_story["items"].as_array().unwrap().len(), 1);

    let one = get(&f.app, &format!("/api/articles/{CALM_ID}"))
        .await
        .json();
    assert_eq!(one["article"]["id"], CALM_ID);
    assert_eq!(
        one["article"]["quotes"][0]["text"],
        "It needs to happen soon"
    );
    assert_eq!(one["sightings"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn errors_are_json_with_a_status_and_reason() {
    let f = fixture();
    assert_error(
        &get(&f.app, "/api/articles/nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/stories/nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/stories/nope/timeline").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/entities/nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/articles?story=nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/articles?limit=1000").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &get(&f.app, "/api/articles?offset=-1").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &get(&f.app, "/api/articles?from=March").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &get(&f.app, "/api/search").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &get(&f.app, "/api/search?q=%22%22").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &get(&f.app, "/api/search?q=x&kind=events").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let post = call(&f.app, Method::POST, "/api/articles", Body::from("{}")).await;
    assert_error(&post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let mut big = Request::builder()
        .uri("/api/articles")
        .header(header::CONTENT_LENGTH, "1000000")
        .body(Body::from(vec![b'x'; 1_000_000]))
        .unwrap();
    *big.method_mut() = Method::GET;
    let response = f.app.clone().oneshot(big).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn search_ranks_phrases_filters_and_snippets() {
    let f = fixture();
    let hits = get(&f.app, "/api/search?q=ceasefire").await.json();
    assert_eq!(hits["items"][0]["id"], HOSTILE_ID);
    let snippet = hits["items"][0]["snippet"].as_array().unwrap();
    assert!(snippet.iter().any(|s| {
        s["hit"] == true
            && s["text"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("ceasefire")
    }));
    let phrase = get(&f.app, "/api/search?q=%22steady%20markets%22")
        .await
        .json();
    assert!(
        phrase["items"].as_array().unwrap().is_empty(),
        "a phrase is in order"
    );
    let phrase = get(&f.app, "/api/search?q=%22markets%20were%20steady%22")
        .await
        .json();
    assert_eq!(phrase["items"][0]["id"], CALM_ID);
    let filtered = get(&f.app, "/api/search?q=ceasefire&source=The%20Courier")
        .await
        .json();
    assert!(filtered["items"].as_array().unwrap().is_empty());
    let quotes = get(&f.app, "/api/search?q=soon&kind=quotes").await.json();
    assert_eq!(quotes["items"][0]["speaker"], "Rubio");
    let by_speaker = get(&f.app, "/api/quotes?speaker=rubio").await.json();
    assert_eq!(by_speaker["items"].as_array().unwrap().len(), 1);
    // Query syntax in user input (FTS5 or Lucene style) is literal, never an error.
    let odd = get(&f.app, "/api/search?q=NEAR(a%20b)%20headline%3Ax%20%22").await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.body);
}

#[tokio::test]
async fn stories_fall_back_to_articles_with_a_timeline() {
    let f = fixture();
    let list = get(&f.app, "/api/stories").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["basis"], "article");
    let story = get(&f.app, &format!("/api/stories/{HOSTILE_ID}"))
        .await
        .json();
    assert_eq!(story["article_list"][0]["id"], HOSTILE_ID);
    assert_eq!(story["timeline"].as_array().unwrap().len(), 1);
    let timeline = get(&f.app, &format!("/api/stories/{HOSTILE_ID}/timeline"))
        .await
        .json();
    assert_eq!(timeline["story"], HOSTILE_ID);
    let entries = timeline["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["type"], "CONSULT");
    assert_eq!(entries[0]["date"]["value"], "2025-03-16");
    // The quote lies in the evidence sentence, so it supports the entry.
    assert_eq!(entries[0]["quotes"].as_array().unwrap().len(), 1);

    let page = get(&f.app, &format!("/stories/{HOSTILE_ID}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"));
    assert_eq!(page.body.matches("<circle").count(), 1);
    let n = hostile_text().chars().count();
    let hl = format!("/articles/{HOSTILE_ID}?hl=0-{n}");
    assert!(
        page.body.contains(&format!("{hl}#hl")),
        "entries link to their evidence"
    );
    let evidence = get(&f.app, &hl).await;
    assert!(evidence.body.contains("<mark id=\"hl\">Officials met"));
    // An article without events has an empty timeline, and the page says so.
    let calm = get(&f.app, &format!("/api/stories/{CALM_ID}/timeline"))
        .await
        .json();
    assert_eq!(calm["entries"], json!([]));
    let page = get(&f.app, &format!("/stories/{CALM_ID}")).await;
    assert!(page.body.contains("No events have been coded"));
    assert!(!page.body.contains("<circle"));
}

#[tokio::test]
async fn pages_render_and_degrade() {
    let f = fixture();
    for uri in [
        "/",
        "/quotes",
        "/quotes?speaker=rubio",
        "/entities",
        "/entities?type=PLACE",
        "/entities/kursk",
        "/sources",
        "/search",
        "/search?q=ceasefire",
        "/search?source=The%20Courier",
        "/search?q=%22%22",
    ] {
        let reply = get(&f.app, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        assert!(
            reply.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(reply.body.contains("</html>"), "{uri}");
    }
    let home = get(&f.app, "/").await;
    assert!(home.body.contains("each article is shown as its own story"));
    let quotes = get(&f.app, "/quotes").await;
    assert!(quotes.body.contains("Rubio") && quotes.body.contains("It needs to happen soon"));
    let missing = get(&f.app, "/stories/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("no story nope"));

    // A store without entities shows its articles on the entities page instead.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.db");
    Store::open(&path)
        .unwrap()
        .insert_batch(
            &[article(
                "e1",
                "S",
                "2025-01-01",
                "Only article",
                "Text.",
                "https://x.example",
            )],
            "t",
        )
        .unwrap();
    let app = router(Db::open(&path, 1).unwrap(), Duration::from_secs(5));
    let page = get(&app, "/entities").await;
    assert!(page.body.contains("No entities have been resolved"));
    assert!(page.body.contains("Only article"));
}

#[tokio::test]
async fn static_files_cannot_be_traversed() {
    let f = fixture();
    let css = get(&f.app, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    for uri in [
        "/static/../Cargo.toml",
        "/static/..%2FCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/static/style.css/../../src/lib.rs",
        "/static/",
        "/static/lib.rs",
    ] {
        let reply = get(&f.app, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            !reply.body.contains("[package]") && !reply.body.contains("//!"),
            "{uri}"
        );
    }
}

/// Hostile text in every field must reach pages as text: no element, attribute or
/// `javascript:` link of the attacker's survives, and the CSP forbids scripts anyway.
#[tokio::test]
async fn hostile_articles_are_escaped_everywhere() {
    let f = fixture();
    let pages = [
        "/".to_owned(),
        format!("/stories/{HOSTILE_ID}"),
        format!("/articles/{HOSTILE_ID}"),
        format!("/articles/{HOSTILE_ID}?hl=0-500"),
        format!("/stories/{HOSTILE_ID}/claims"),
        format!("/stories/{HOSTILE_ID}/map"),
        "/events".to_owned(),
        "/events?type=CONSULT".to_owned(),
        "/events?type=%3Cscript%3E".to_owned(),
        "/events?entity=%22%3E%3Cscript%3E".to_owned(),
        "/quotes".to_owned(),
        "/entities".to_owned(),
        "/entities/mallory".to_owned(),
        "/entities/kursk".to_owned(),
        "/sources".to_owned(),
        "/search?q=ceasefire".to_owned(),
        "/search?q=alert".to_owned(),
        "/search?q=%22%3E%3Cscript%3Ealert(5)%3C%2Fscript%3E".to_owned(),
        "/search?source=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(6)%3E".to_owned(),
        "/quotes?speaker=%22%3E%3Cscript%3E".to_owned(),
        "/nope%3Cscript%3Ealert(7)%3C%2Fscript%3E".to_owned(),
    ];
    for uri in &pages {
        let reply = get(&f.app, uri).await;
        let body = reply.body.to_ascii_lowercase();
        assert!(!body.contains("<script"), "{uri}: raw <script>");
        assert!(!body.contains("<img"), "{uri}: raw <img>");
        assert!(
            !body.contains("<a href=\"javascript"),
            "{uri}: javascript: link"
        );
        assert!(
            !body.contains("href=\"javascript"),
            "{uri}: javascript: href"
        );
        // Event handlers only ever appear escaped inside text, never as an attribute of a
        // real element: no tag of the page carries one.
        for tag in body.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            // Attribute names only: quoted values hold (escaped) text.
            let names: String = tag.split('"').step_by(2).collect();
            assert!(!names.contains("onerror"), "{uri}: <{tag}>");
        }
        assert!(
            !body.contains("onerror=") || body.contains("&#60;img") || body.contains("&lt;img"),
            "{uri}: the hostile text should be shown escaped"
        );
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{uri}"
        );
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // The hostile text is still shown, as text.
    let article = get(&f.app, &format!("/articles/{HOSTILE_ID}")).await;
    assert!(
        article
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || article
                .body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        article.body
    );
    assert!(
        article.body.contains("not a web link"),
        "javascript: URL shown as text"
    );
    // JSON carries the text as it is: the API is data, escaping is the consumer's job.
    let json = get(&f.app, &format!("/api/articles/{HOSTILE_ID}"))
        .await
        .json();
    assert!(json["article"]["text"].as_str().unwrap().contains(IMG));
}

#[tokio::test]
async fn stored_stories_replace_the_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    store
        .insert_batch(
            &[
                article(
                    "s1",
                    "Courier",
                    "2025-03-01",
                    "Talks open",
                    "Talks opened.",
                    "https://a.example",
                ),
                article(
                    "s2",
                    "Herald",
                    "2025-03-05",
                    "Talks go on",
                    "Talks went on.",
                    "https://b.example",
                ),
                article(
                    "s3",
                    "Herald",
                    "2025-04-01",
                    "Weather",
                    "Rain.",
                    "https://c.example",
                ),
            ],
            "t",
        )
        .unwrap();
    record_story(
        &mut store,
        "st-talks",
        "Peace talks",
        &["s1", "s2"],
        ("2025-03-01", "2025-03-05"),
    );
    drop(store);
    let app = router(Db::open(&path, 1).unwrap(), Duration::from_secs(5));
    let list = get(&app, "/api/stories").await.json();
    assert_eq!(list["items"][0]["id"], "st-talks");
    assert_eq!(list["items"][0]["basis"], "story");
    assert_eq!(list["items"][0]["sources"], json!(["Courier", "Herald"]));
    let story = get(&app, "/api/stories/st-talks").await.json();
    assert_eq!(story["article_list"].as_array().unwrap().len(), 2);
    assert_eq!(story["label"], "Peace talks");
    let timeline = get(&app, "/api/stories/st-talks/timeline").await.json();
    assert_eq!(timeline["story"], "st-talks");
    assert_eq!(timeline["entries"], json!([]), "no events coded");
    let articles = get(&app, "/api/articles?story=st-talks").await.json();
    assert_eq!(articles["items"].as_array().unwrap().len(), 2);
    let page = get(&app, "/").await;
    assert!(page.body.contains("Peace talks") && !page.body.contains("its own story"));
    assert_eq!(
        get(&app, "/stories/st-talks")
            .await
            .body
            .matches("<circle")
            .count(),
        0
    );
    // Article ids still open as one-article stories, so older links keep working.
    assert_eq!(
        get(&app, "/api/stories/s3").await.json()["basis"],
        "article"
    );
}

// ----- events, timeline, claims and places of a stored story -----

const CALL_A: &str = "Trump will speak with Putin on Tuesday. Moscow claimed it took Kursk, but Kyiv denied it. At least 9 people were killed near Atlantis.";
const CALL_B: &str =
    "Trump and Putin \"will talk this week,\" officials said. Officials said 3 people were killed.";

/// Code-point span of the first `needle` in `text` (the texts are ASCII).
fn at(text: &str, needle: &str) -> (usize, usize) {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?}"));
    (start, start + needle.len())
}

fn party(text: &str, needle: &str, entity: Option<&str>) -> Value {
    let (start, end) = at(text, needle);
    json!({"mention": {"start": start, "end": end, "text": needle}, "name": needle, "entity": entity})
}

fn span(text: &str, needle: &str) -> Value {
    let (start, end) = at(text, needle);
    json!({"start": start, "end": end, "text": needle})
}

/// Sentence spans: split after ". ".
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(". ") {
        out.push((start, i + 1));
        start = i + 2;
    }
    out.push((start, text.len()));
    out
}

#[allow(clippy::too_many_arguments)]
fn event(
    text: &str,
    kind: &str,
    status: &str,
    trigger: &str,
    actor: Option<Value>,
    recipient: Option<Value>,
    place: Option<Value>,
    time: Option<&str>,
    sentence: usize,
) -> Value {
    json!({
        "type": kind, "mode": null, "cameo": "040", "status": status,
        "trigger": span(text, trigger), "actor": actor, "recipient": recipient, "place": place,
        "time": time, "time_expression": null, "sentence": sentence, "quantities": []
    })
}

fn number(text: &str, needle: &str, value: f64, qualifier: Option<&str>) -> Value {
    let (start, end) = at(text, needle);
    json!({"start": start, "end": end, "text": needle, "value": value, "upper": null,
           "qualifier": qualifier, "unit": null, "counts": "killed", "count_type": "KILL",
           "claimed_by": null, "vague": false})
}

/// Two articles of one stored story: the same call reported by both (a day inside a
/// week), an undated attack, a denied claim, two killed counts that cannot both be true,
/// and places with and without coordinates.
fn events_fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ev.db");
    let mut store = Store::open(&path).unwrap();
    store
        .insert_batch(
            &[
                article(
                    "call-a",
                    "Wire",
                    "2025-03-17",
                    "Trump to speak with Putin",
                    CALL_A,
                    "https://wire.example/a",
                ),
                article(
                    "call-b",
                    "Herald",
                    "2025-03-17",
                    "Leaders to talk",
                    CALL_B,
                    "https://herald.example/b",
                ),
            ],
            "t",
        )
        .unwrap();
    let sent = |text: &str| -> Vec<Value> {
        sentences(text)
            .into_iter()
            .map(|(s, e)| json!({"start": s, "end": e}))
            .collect()
    };
    let trump = |t| Some(party(t, "Trump", Some("e-trump")));
    let putin = |t| Some(party(t, "Putin", Some("e-putin")));
    let a: Annotations = serde_json::from_value(json!({
        "sentences": sent(CALL_A), "tokens": [], "quotes": [], "times": [],
        "entities": [
            {"start": at(CALL_A, "Kursk").0, "end": at(CALL_A, "Kursk").1, "type": "PLACE", "text": "Kursk", "entity": "kursk"},
            {"start": at(CALL_A, "Kyiv").0, "end": at(CALL_A, "Kyiv").1, "type": "PLACE", "text": "Kyiv", "entity": "kyiv"},
            {"start": at(CALL_A, "Atlantis").0, "end": at(CALL_A, "Atlantis").1, "type": "PLACE", "text": "Atlantis", "entity": null}
        ],
        "events": [
            event(CALL_A, "CONSULT", "planned", "speak", trump(CALL_A), putin(CALL_A), None, Some("2025-03-18"), 0),
            event(CALL_A, "ASSAULT", "asserted", "killed", None, None,
                  Some(party(CALL_A, "Kursk", Some("kursk"))), None, 2)
        ],
        "quantities": [number(CALL_A, "At least 9", 9.0, Some("at least"))],
        "claims": [{
            "content": span(CALL_A, "it took Kursk"),
            "asserted_by": party(CALL_A, "Moscow", Some("moscow")),
            "sentence": 1, "quote": null,
            "disputed_by": [{"by": party(CALL_A, "Kyiv", Some("kyiv")), "cue": span(CALL_A, "denied"), "sentence": 1}]
        }]
    }))
    .unwrap();
    let (qs, qe) = at(CALL_B, "will talk this week,");
    let b: Annotations = serde_json::from_value(json!({
        "sentences": sent(CALL_B), "tokens": [], "times": [], "entities": [], "claims": [],
        "quotes": [{"start": qs, "end": qe, "text": "will talk this week,", "kind": "direct", "cue": null,
                    "speaker": {"name": null, "description": "officials", "mention": null, "entity": null}}],
        "events": [
            event(CALL_B, "CONSULT", "hypothetical", "talk", trump(CALL_B), putin(CALL_B), None, Some("2025-W12"), 0)
        ],
        "quantities": [number(CALL_B, "3", 3.0, None)]
    }))
    .unwrap();
    store
        .save_annotations(&[("call-a", &a), ("call-b", &b)], "test")
        .unwrap();
    let place = |id: &str, seq: i64, name: &str, coords: Option<(f64, f64)>| EntityRow {
        id: id.into(),
        seq,
        name: name.into(),
        kind: "PLACE".into(),
        mentions: 1,
        articles: 1,
        geonames: None,
        lat: coords.map(|c| c.0),
        lon: coords.map(|c| c.1),
        country: Some("UA".into()),
        iso3: None,
        actor: None,
        aliases: vec![],
        roles: vec![],
        data: "{}".into(),
    };
    store
        .save_entities(&[
            place("kursk", 1, "Kursk", Some((51.73, 36.18))),
            place("kyiv", 2, "Kyiv", Some((50.45, 30.52))),
        ])
        .unwrap();
    record_story(
        &mut store,
        "st-call",
        "The call",
        &["call-a", "call-b"],
        ("2025-03-17", "2025-03-17"),
    );
    drop(store);
    Fixture {
        _dir: dir,
        app: router(Db::open(&path, 1).unwrap(), Duration::from_secs(5)),
    }
}

fn items(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn events_list_filters_pages_and_rejects_unknown_types() {
    let f = events_fixture();
    let all = items(&get(&f.app, "/api/events").await);
    assert_eq!(all.len(), 3);
    for e in &all {
        for field in ["article_id", "type", "status", "evidence", "sentence_start"] {
            assert!(!e[field].is_null(), "{field}: {e}");
        }
    }
    let first = &all[0];
    let (s, e) = sentences(CALL_A)[0];
    assert_eq!(first["evidence"], &CALL_A[s..e]);
    assert_eq!(first["sentence_start"], s);
    assert_eq!(first["sentence_end"], e);

    let consult = items(&get(&f.app, "/api/events?type=consult").await);
    assert_eq!(consult.len(), 2);
    assert!(consult.iter().all(|e| e["type"] == "CONSULT"));
    // Older PLOVER names fold into today's: DEMAND is REQUEST (none here).
    assert!(items(&get(&f.app, "/api/events?type=DEMAND").await).is_empty());
    let bad = get(&f.app, "/api/events?type=PARTY").await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let message = bad.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("CONSULT") && message.contains("ASSAULT"),
        "{message}"
    );

    // Entity: id or name, as actor or recipient.
    assert_eq!(
        items(&get(&f.app, "/api/events?entity=e-putin").await).len(),
        2
    );
    assert_eq!(
        items(&get(&f.app, "/api/events?entity=putin").await).len(),
        2
    );
    assert!(items(&get(&f.app, "/api/events?entity=kursk").await).is_empty());

    let page = get(&f.app, "/api/events?story=st-call&limit=2")
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    let rest = get(&f.app, "/api/events?story=st-call&limit=2&offset=2")
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_offset"], Value::Null);
    assert_eq!(
        items(&get(&f.app, "/api/events?story=call-b").await).len(),
        1
    );
    assert_error(
        &get(&f.app, "/api/events?story=nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&f.app, "/api/events?limit=0x").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

#[tokio::test]
async fn story_timeline_merges_one_event_reported_twice() {
    let f = events_fixture();
    let reply = get(&f.app, "/api/stories/st-call/timeline").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let timeline = reply.json();
    assert_eq!(timeline["story"], "st-call");
    let entries = timeline["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    for e in entries {
        for field in [
            "date",
            "undated",
            "type",
            "status",
            "actor",
            "recipient",
            "place",
            "reports",
            "articles",
            "quotes",
        ] {
            assert!(e.get(field).is_some(), "{field} missing: {e}");
        }
    }
    // Tuesday (one article) lies in "this week" (the other): one entry, two articles.
    // In date order: the undated attack is placed on its article's date, the day before.
    let (attack, call) = (&entries[0], &entries[1]);
    assert_eq!(call["type"], "CONSULT");
    assert_eq!(call["date"]["value"], "2025-03-18");
    assert_eq!(call["undated"], false);
    assert_eq!(call["articles"], json!(["call-a", "call-b"]));
    assert_eq!(call["actor"]["entity"], "e-trump");
    let reports = call["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let (s, e) = sentences(CALL_B)[0];
    let b = reports
        .iter()
        .find(|r| r["article_id"] == "call-b")
        .unwrap();
    assert_eq!(b["evidence"], &CALL_B[s..e]);
    assert_eq!(
        (b["sentence_start"].clone(), b["sentence_end"].clone()),
        (json!(s), json!(e))
    );
    assert_eq!(call["quotes"][0]["text"], "will talk this week,");
    // The attack gives no date: placed by its article's date and flagged.
    assert_eq!(attack["type"], "ASSAULT");
    assert_eq!(attack["undated"], true);
    assert_eq!(attack["date"]["value"], "2025-03-17");
    assert_eq!(attack["place"]["label"], "Kursk");

    // The story itself carries the same timeline.
    let story = get(&f.app, "/api/stories/st-call").await.json();
    assert_eq!(story["timeline"], timeline["entries"]);
    // An article id opens as a one-article story: only its own events.
    let one = get(&f.app, "/api/stories/call-b/timeline").await.json();
    assert_eq!(one["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn story_claims_keep_both_sides_and_number_conflicts() {
    let f = events_fixture();
    assert_error(
        &get(&f.app, "/api/stories/nope/claims").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let reply = get(&f.app, "/api/stories/st-call/claims").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["story"], "st-call");
    let claims = body["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 3, "{claims:?}");
    let statement = &claims[0];
    assert_eq!(statement["kind"], "statement");
    assert_eq!(statement["text"], "it took Kursk");
    assert_eq!(statement["asserted"]["who"], "Moscow");
    assert_eq!(statement["asserted"]["article_id"], "call-a");
    assert_eq!(statement["disputed_by"][0]["who"], "Kyiv");
    assert_eq!(statement["disputed_by"][0]["text"], "denied");
    // "At least 9 killed" and "3 killed" the same day cannot both be true.
    let nine = &claims[1];
    assert_eq!(nine["kind"], "quantity");
    assert_eq!(nine["counts"], "killed");
    assert_eq!(nine["conflicts_with"], json!([2]));
    assert_eq!(claims[2]["conflicts_with"], json!([1]));
    assert_eq!(claims[2]["asserted"]["source"], "Herald");
}

#[tokio::test]
async fn story_pages_show_events_claims_places_and_coverage() {
    let f = events_fixture();
    let page = get(&f.app, "/stories/st-call").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // One point per entry, each linking to evidence; the entry lists both reports with
    // their evidence sentences, and the quote.
    assert_eq!(page.body.matches("<circle").count(), 2);
    for (text, id) in [(CALL_A, "call-a"), (CALL_B, "call-b")] {
        let (s, e) = sentences(text)[0];
        let link = format!("<a class=\"evidence\" href=\"/articles/{id}?hl={s}-{e}#hl\">");
        assert!(page.body.contains(&link), "{link}");
    }
    assert!(
        page.body
            .contains("Trump will speak with Putin on Tuesday.")
    );
    assert!(page.body.contains("will talk this week,"));
    assert!(page.body.contains("class=\"flag\">undated</span>"));
    assert!(page.body.contains("Who reported what"));
    assert!(page.body.contains("href=\"/stories/st-call/claims\""));
    assert!(page.body.contains("href=\"/stories/st-call/map\""));

    let claims = get(&f.app, "/stories/st-call/claims").await;
    assert_eq!(claims.status, StatusCode::OK);
    assert!(claims.body.contains("it took Kursk"));
    assert!(claims.body.contains("disputed by <strong>Kyiv</strong>"));
    assert!(claims.body.contains("sources disagree"));
    assert!(claims.body.contains("conflicts with"));

    let map = get(&f.app, "/stories/st-call/map").await;
    assert_eq!(map.status, StatusCode::OK);
    assert_eq!(map.body.matches("<circle").count(), 2, "Kursk and Kyiv");
    assert!(map.body.contains("Atlantis") && map.body.contains("no coordinates"));
    assert!(map.body.contains("51.73, 36.18"));

    let events = get(&f.app, "/events?type=CONSULT").await;
    assert_eq!(events.status, StatusCode::OK);
    assert_eq!(events.body.matches("class=\"evidence\"").count(), 2);
    assert!(events.body.contains("aria-current=\"page\">CONSULT"));
    let story_events = get(&f.app, "/events?story=st-call&entity=putin").await;
    assert_eq!(story_events.body.matches("class=\"evidence\"").count(), 2);
    let bad = get(&f.app, "/events?type=PARTY").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("type must be a PLOVER event type"));
    for uri in ["/stories/nope/claims", "/stories/nope/map"] {
        assert_eq!(
            get(&f.app, uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
}

/// Stores one open story of these articles (the first gives the label), dated `first..last`.
fn record_story(
    store: &mut Store,
    id: &str,
    label: &str,
    articles: &[&str],
    (first, last): (&str, &str),
) {
    let members = articles
        .iter()
        .map(|article| storyline_store::MemberRow {
            article_id: (*article).into(),
            story_id: id.into(),
            similarity: 1.0,
        })
        .collect();
    store
        .record_stories(&storyline_store::StoryBatch {
            members,
            stories: vec![storyline_store::StoryRow {
                id: id.into(),
                label: Some(label.into()),
                label_article: articles.first().map(|a| (*a).to_owned()),
                articles: articles.len() as u64,
                first_seen: Some(first.into()),
                last_seen: Some(last.into()),
                entities: vec![],
                open: true,
            }],
            ..storyline_store::StoryBatch::default()
        })
        .unwrap();
}
