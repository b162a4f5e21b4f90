//! Acceptance on the seed articles for issue 9: events, the timeline and claims, all read
//! from the store after a plain `storyline ingest` with the publication dates given in
//! `seeds-expected.json`.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use common::{Sandbox, seed_path, shared_dir};
use serde_json::Value;

fn expected() -> Value {
    let path = shared_dir().join("seeds-expected.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The seeds ingested once for every test here, with the article id of each seed.
struct Seeds {
    sandbox: Sandbox,
    ids: HashMap<String, String>,
    story: String,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let sandbox = Sandbox::new();
        let expected = expected();
        let dates = expected["time_expressions_given_publication_dates"]["publication_dates"]
            .as_object()
            .unwrap();
        for (key, date) in dates {
            let path = seed_path(key);
            sandbox
                .run(&[
                    "ingest",
                    "--published",
                    date.as_str().unwrap(),
                    path.to_str().unwrap(),
                ])
                .assert_code(0);
        }
        let mut ids = HashMap::new();
        for article in sandbox.run(&["articles", "--json"]).json_lines() {
            let source = article["source"].as_str().unwrap();
            ids.insert(
                source[..3].to_owned(),
                article["id"].as_str().unwrap().to_owned(),
            );
        }
        let stories = sandbox.run(&["stories", "--json"]).json_lines();
        let story = stories
            .iter()
            .max_by_key(|s| s["articles"].as_u64())
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Seeds {
            sandbox,
            ids,
            story,
        }
    })
}

/// The id of the stored entity the expectations call `canonical` (by name or alias).
fn entity(canonical: &str) -> String {
    let entities = seeds().sandbox.run(&["entities", "--json"]).json_lines();
    entities
        .iter()
        .find(|e| {
            e["name"] == canonical
                || e["aliases"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|a| a["alias"] == canonical))
        })
        .unwrap_or_else(|| panic!("no entity {canonical}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn events(kind: &str) -> Vec<Value> {
    let run = seeds().sandbox.run(&["events", "--type", kind, "--json"]);
    run.assert_code(0);
    run.json_lines()
}

/// The quantities (values) attached to each event of type `kind` in seed `key`.
fn event_counts(key: &str, kind: &str) -> Vec<Vec<f64>> {
    let seeds = seeds();
    let shown = seeds.sandbox.run(&["show", &seeds.ids[key], "--json"]);
    shown.assert_code(0);
    let document: Value = serde_json::from_str(&shown.stdout()).unwrap();
    let quantities = document["quantities"].as_array().unwrap();
    document["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .map(|e| {
            e["quantities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    quantities[i.as_u64().unwrap() as usize]["value"]
                        .as_f64()
                        .unwrap()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_trump_putin_calls_are_consult_events_between_both_resolved_leaders() {
    let pair: BTreeSet<String> = [entity("Donald Trump"), entity("Vladimir Putin")].into();
    let consults = events("CONSULT");
    for key in ["001", "003", "004"] {
        // Each article announces the call: at least one report of it is marked as not yet
        // happened (planned or hypothetical), not as a fact.
        let announced = consults.iter().any(|e| {
            e["source"].as_str().unwrap().starts_with(key)
                && matches!(e["status"].as_str(), Some("planned" | "hypothetical"))
                && [&e["actor_entity"], &e["recipient_entity"]]
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect::<BTreeSet<_>>()
                    == pair
        });
        assert!(
            announced,
            "no announced Trump–Putin CONSULT in {key}: {consults:#?}"
        );
    }
}

#[test]
fn attacks_are_assault_events_with_their_casualty_counts() {
    let expected = expected();
    let counts = |doc: &str| -> Vec<f64> {
        expected["quantities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["doc"] == doc)
            .map(|q| q["value"].as_f64().unwrap())
            .collect()
    };
    // The missile strike on Kyiv (002): at least nine killed, more than 70 injured.
    let kyiv = event_counts("002", "ASSAULT");
    let (killed, injured) = (counts("002")[0], counts("002")[1]);
    assert!(
        kyiv.iter()
            .any(|q| q.contains(&killed) && q.contains(&injured)),
        "{kyiv:?}"
    );
    // The drones (004): 90 Shahed drones, and the strike with one fatality.
    let drones = event_counts("004", "ASSAULT");
    let (launched, fatality) = (counts("004")[0], counts("004")[2]);
    assert!(drones.iter().any(|q| q.contains(&launched)), "{drones:?}");
    assert!(drones.iter().any(|q| q.contains(&fatality)), "{drones:?}");
    let assaults = events("ASSAULT");
    assert!(
        assaults
            .iter()
            .any(|e| e["source"].as_str().unwrap().starts_with("004")
                && e["actor_entity"].as_str() == Some(&entity("Russia"))),
        "{assaults:#?}"
    );
}

#[test]
fn the_kursk_claim_is_listed_with_kyivs_denial() {
    let seeds = seeds();
    let run = seeds.sandbox.run(&["claims", &seeds.story, "--json"]);
    run.assert_code(0);
    let claims = run.json_lines();
    let kursk = claims
        .iter()
        .find(|c| {
            c["asserted"]["article_id"] == seeds.ids["000"].as_str()
                && c["text"]
                    .as_str()
                    .unwrap()
                    .contains("expelling Ukrainian forces")
        })
        .unwrap_or_else(|| panic!("no Kursk claim: {claims:#?}"));
    assert_eq!(kursk["asserted"]["who"], "Moscow", "{kursk:#?}");
    let denial = &kursk["disputed_by"][0];
    assert_eq!(denial["who"], "Kyiv", "{kursk:#?}");
    assert_eq!(denial["text"], "denied");
    assert_eq!(denial["article_id"], seeds.ids["000"].as_str());
}

#[test]
fn the_tuesday_call_reported_by_two_outlets_is_one_timeline_entry() {
    let seeds = seeds();
    let run = seeds.sandbox.run(&["timeline", &seeds.story, "--json"]);
    run.assert_code(0);
    let entries = run.json_lines();
    let (a, b) = (seeds.ids["003"].as_str(), seeds.ids["004"].as_str());
    let call: Vec<&Value> = entries
        .iter()
        .filter(|e| e["type"] == "CONSULT")
        .filter(|e| {
            let articles = e["articles"].as_array().unwrap();
            articles.iter().any(|x| x == a) && articles.iter().any(|x| x == b)
        })
        .collect();
    assert_eq!(call.len(), 1, "{entries:#?}");
    // Dated by 003's "on Tuesday", the day the expectations give it.
    let tuesday = expected()["time_expressions_given_publication_dates"]["expected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["doc"] == "003" && t["text"] == "on Tuesday")
        .unwrap()["value"]
        .clone();
    assert_eq!(call[0]["date"]["value"], tuesday);
    assert_eq!(call[0]["undated"], false);
    // The timeline is ordered by date.
    let dates: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["date"]["first"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}
