//! The pages built on a story's events: the story page (event timeline drawn as SVG, its
//! entries with their evidence sentences and quotes, which outlets reported what), the
//! story's claims, a map of its places, and the events list.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use storyline_corpus::claims::{ClaimKind, Side, StoryClaim};
use storyline_corpus::timeline::{Entry, Party};
use storyline_model::{EntityType, EventType};
use storyline_store::{EventRow, Store};

use crate::api::{Params, event_page, event_type, story_or_404};
use crate::pages::{
    ArticleItem, PageResult, Pager, article_item, dates, evidence_href, href, page, params, pct,
};
use crate::stories::{self, day_number};
use crate::{ApiError, Db, facts};

/// Cooperative PLOVER types (the others are conflictual): the chart colours them apart.
const COOPERATIVE: [EventType; 7] = [
    EventType::Agree,
    EventType::Consult,
    EventType::Support,
    EventType::Cooperate,
    EventType::Aid,
    EventType::Concede,
    EventType::Retreat,
];

fn tone(kind: &str) -> &'static str {
    match EventType::parse(kind) {
        Some(t) if COOPERATIVE.contains(&t) => "coop",
        _ => "conflict",
    }
}

/// "Actor → Recipient", "Actor", "→ Recipient" or "".
fn parties(actor: Option<&str>, recipient: Option<&str>) -> String {
    match (actor, recipient) {
        (Some(a), Some(r)) => format!("{a} → {r}"),
        (Some(a), None) => a.to_owned(),
        (None, Some(r)) => format!("→ {r}"),
        (None, None) => String::new(),
    }
}

fn label(party: &Option<Party>) -> Option<&str> {
    party.as_ref().map(|p| p.label.as_str())
}

fn day(published: Option<&str>) -> String {
    published
        .and_then(stories::day)
        .unwrap_or_else(|| "undated".to_owned())
}

// ----- story page -----

struct ReportView {
    source: String,
    published: String,
    evidence: String,
    href: String,
    trigger: String,
    status: String,
}

struct QuoteView {
    who: String,
    text: String,
    href: String,
}

struct EntryView {
    anchor: String,
    date: String,
    undated: bool,
    kind: String,
    tone: &'static str,
    status: String,
    parties: String,
    place: Option<String>,
    reports: Vec<ReportView>,
    quotes: Vec<QuoteView>,
}

fn entry_view(i: usize, e: &Entry) -> EntryView {
    EntryView {
        anchor: format!("e-{}", i + 1),
        date: e
            .date
            .as_ref()
            .map_or_else(|| "undated".to_owned(), |d| d.value.clone()),
        undated: e.undated,
        kind: e.kind.clone(),
        tone: tone(&e.kind),
        status: e.status.clone(),
        parties: parties(label(&e.actor), label(&e.recipient)),
        place: label(&e.place).map(str::to_owned),
        reports: e
            .reports
            .iter()
            .map(|r| ReportView {
                source: r.source.clone(),
                published: day(r.published.as_deref()),
                evidence: r.evidence.clone(),
                href: evidence_href(&r.article_id, r.sentence_start, r.sentence_end),
                trigger: r.trigger.clone(),
                status: r.status.clone(),
            })
            .collect(),
        quotes: e
            .quotes
            .iter()
            .map(|q| QuoteView {
                who: q
                    .speaker
                    .clone()
                    .unwrap_or_else(|| "unattributed".to_owned()),
                text: q.text.clone(),
                href: evidence_href(&q.article_id, q.start, q.end),
            })
            .collect(),
    }
}

/// A point of the chart: one timeline entry.
struct Point {
    x: String,
    /// End of the entry's date interval when it spans more than a point (a week, a month).
    x2: Option<String>,
    y: u32,
    href: String,
    title: String,
    class: String,
}

struct Row {
    y: u32,
    label: &'static str,
}

struct Tick {
    x: String,
    label: String,
}

struct Chart {
    height: u32,
    axis_y: u32,
    rows: Vec<Row>,
    points: Vec<Point>,
    ticks: Vec<Tick>,
    /// Zones (x, label) holding entries far before or after the story's articles.
    zones: Vec<(String, &'static str)>,
}

/// Chart geometry (SVG user units): type labels on the left, then the dates.
const PLOT_LEFT: f64 = 100.0;
const PLOT_RIGHT: f64 = 780.0;
const ROW_HEIGHT: u32 = 22;
const TOP: u32 = 16;
/// Entries dated this long before the story's first article (or after its last) are drawn
/// in a compressed zone at the edge, so "annexed in 2014" does not squash a week of news.
const BEFORE_DAYS: i64 = 60;
const AFTER_DAYS: i64 = 30;

fn chart(entries: &[Entry], article_days: &[i64]) -> Option<Chart> {
    // (entry index, first day, last day) of the entries with a date.
    let dated: Vec<(usize, i64, i64)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let d = e.date.as_ref()?;
            Some((
                i,
                day_number(&d.first.to_string())?,
                day_number(&d.last.to_string())?,
            ))
        })
        .collect();
    if dated.is_empty() {
        return None;
    }
    let spans: Vec<(i64, i64)> = dated.iter().map(|&(_, a, b)| (a, b)).collect();
    let (lo, hi) = match (article_days.iter().min(), article_days.iter().max()) {
        (Some(&a), Some(&b)) => (a - BEFORE_DAYS, b + AFTER_DAYS),
        _ => (i64::MIN, i64::MAX),
    };
    let inside: Vec<i64> = spans
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .filter(|d| (lo..=hi).contains(d))
        .collect();
    let mut before: Vec<i64> = spans.iter().map(|s| s.0).filter(|&d| d < lo).collect();
    let mut after: Vec<i64> = spans.iter().map(|s| s.0).filter(|&d| d > hi).collect();
    before.sort();
    before.dedup();
    after.sort();
    after.dedup();
    let (min, max) = match (inside.iter().min(), inside.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        // Everything is far from the articles: draw the whole range instead.
        _ => {
            let all: Vec<i64> = spans.iter().flat_map(|&(a, b)| [a, b]).collect();
            before.clear();
            after.clear();
            (*all.iter().min()?, *all.iter().max()?)
        }
    };
    let zone = 70.0;
    let left = if before.is_empty() {
        PLOT_LEFT
    } else {
        PLOT_LEFT + zone
    };
    let right = if after.is_empty() {
        PLOT_RIGHT
    } else {
        PLOT_RIGHT - zone
    };
    let ranked = |list: &[i64], d: i64, from: f64| {
        let at = list.iter().position(|&x| x == d).unwrap_or(0);
        from + (at as f64 + 0.5) / list.len() as f64 * (zone - 20.0)
    };
    let x = |d: i64| -> f64 {
        if !before.is_empty() && d < lo {
            ranked(&before, d, PLOT_LEFT)
        } else if !after.is_empty() && d > hi {
            ranked(&after, d, PLOT_RIGHT - zone + 20.0)
        } else if max == min {
            (left + right) / 2.0
        } else {
            left + (d.clamp(min, max) - min) as f64 / (max - min) as f64 * (right - left)
        }
    };
    let mut kinds: Vec<EventType> = entries
        .iter()
        .filter_map(|e| EventType::parse(&e.kind))
        .collect();
    kinds.sort_by_key(|k| EventType::ALL.iter().position(|t| t == k));
    kinds.dedup();
    let row_of = |kind: &str| {
        let at = EventType::parse(kind)
            .and_then(|k| kinds.iter().position(|t| *t == k))
            .unwrap_or(kinds.len());
        TOP + at as u32 * ROW_HEIGHT
    };
    let mut rows: Vec<Row> = kinds
        .iter()
        .map(|k| Row {
            y: row_of(k.as_str()),
            label: k.as_str(),
        })
        .collect();
    if entries.iter().any(|e| EventType::parse(&e.kind).is_none()) {
        rows.push(Row {
            y: TOP + kinds.len() as u32 * ROW_HEIGHT,
            label: "OTHER",
        });
    }
    // Points on the same row and spot are nudged apart.
    let mut taken: HashMap<(u32, i64), u32> = HashMap::new();
    let points = dated
        .iter()
        .map(|&(i, first, last)| {
            let e = &entries[i];
            let y = row_of(&e.kind);
            let x1 = x(first);
            let n = taken.entry((y, (x1 / 6.0) as i64)).or_insert(0);
            let nudge = f64::from(*n) * 7.0;
            *n += 1;
            let x2 = x(last);
            let view = entry_view(i, e);
            let mut class = format!("dot {} {}", view.tone, view.status);
            if e.undated {
                class.push_str(" undated");
            }
            Point {
                x: format!("{:.1}", (x1 + nudge).min(PLOT_RIGHT)),
                x2: (x2 - x1 > 2.0 && first >= lo && last <= hi).then(|| format!("{x2:.1}")),
                y,
                href: e.reports.first().map_or_else(
                    || format!("#{}", view.anchor),
                    |r| evidence_href(&r.article_id, r.sentence_start, r.sentence_end),
                ),
                title: format!(
                    "{}{} · {} {} {}",
                    view.date,
                    if e.undated { " (undated)" } else { "" },
                    view.kind,
                    view.status,
                    view.parties
                ),
                class,
            }
        })
        .collect();
    let height_rows = rows.len() as u32 * ROW_HEIGHT;
    let axis_y = TOP + height_rows;
    let mut ticks = Vec::new();
    for d in month_ticks(min, max) {
        ticks.push(Tick {
            x: format!("{:.1}", x(d.0)),
            label: d.1,
        });
    }
    let mut zones = Vec::new();
    if !before.is_empty() {
        zones.push((format!("{:.1}", PLOT_LEFT + (zone - 20.0) / 2.0), "earlier"));
    }
    if !after.is_empty() {
        zones.push((format!("{:.1}", PLOT_RIGHT - (zone - 20.0) / 2.0), "later"));
    }
    Some(Chart {
        height: axis_y + 28,
        axis_y,
        rows,
        points,
        ticks,
        zones,
    })
}

/// `YYYY-MM-DD` of a day number (inverse of [`day_number`]; Howard Hinnant's civil_from_days).
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Axis ticks for the days `min..=max`: both ends for a short span, else month (or year)
/// starts, at most about eight.
fn month_ticks(min: i64, max: i64) -> Vec<(i64, String)> {
    if max - min <= 45 {
        let mut ticks = vec![(min, civil(min))];
        if max > min {
            ticks.push((max, civil(max)));
        }
        return ticks;
    }
    let first = civil(min);
    let (mut y, mut m): (i64, i64) = (
        first[..4].parse().unwrap_or(1970),
        first[5..7].parse().unwrap_or(1),
    );
    let months = (max - min) / 30 + 1;
    let step = match months {
        0..=8 => 1,
        9..=16 => 2,
        17..=36 => 6,
        _ => 12 * (months / 96 + 1),
    };
    let mut ticks = Vec::new();
    loop {
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
        let Some(d) = day_number(&format!("{y:04}-{m:02}-01")) else {
            break;
        };
        if d > max {
            break;
        }
        let index = y * 12 + m - 1;
        if index % step == 0 {
            let label = if step >= 12 {
                format!("{y:04}")
            } else {
                format!("{y:04}-{m:02}")
            };
            ticks.push((d, label));
        }
    }
    if ticks.is_empty() {
        ticks.push((min, civil(min)));
    }
    ticks
}

/// An outlet and the timeline entries it reported.
struct Coverage {
    source: String,
    entries: Vec<(String, String)>,
}

fn coverage(entries: &[EntryView]) -> Vec<Coverage> {
    let mut by_source: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for e in entries {
        let mut seen: Vec<&str> = Vec::new();
        for r in &e.reports {
            if seen.contains(&r.source.as_str()) {
                continue;
            }
            seen.push(&r.source);
            by_source
                .entry(r.source.clone())
                .or_default()
                .push((format!("#{}", e.anchor), format!("{} {}", e.date, e.kind)));
        }
    }
    by_source
        .into_iter()
        .map(|(source, entries)| Coverage { source, entries })
        .collect()
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    label: String,
    dates: String,
    by_article: bool,
    articles: Vec<ArticleItem>,
    chart: Option<Chart>,
    entries: Vec<EntryView>,
    undated: usize,
    coverage: Vec<Coverage>,
    claims: usize,
    disputed: usize,
    quotes_href: String,
    claims_href: String,
    map_href: String,
    events_href: String,
}

pub async fn story(State(db): State<Arc<Db>>, Path(id): Path<String>) -> PageResult {
    page(&db, move |store| {
        let story = stories::story(store, &id)?
            .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
        let ids: Vec<String> = story.article_list.iter().map(|a| a.id.clone()).collect();
        let claims = facts::story_claims(store, &ids)?;
        let article_days: Vec<i64> = story
            .article_list
            .iter()
            .filter_map(|a| day_number(&stories::day(a.published.as_deref()?)?))
            .collect();
        let entries: Vec<EntryView> = story
            .timeline
            .iter()
            .enumerate()
            .map(|(i, e)| entry_view(i, e))
            .collect();
        let sid = &story.summary.id;
        Ok(StoryPage {
            label: story.summary.label.clone(),
            dates: dates(
                story.summary.first.as_deref(),
                story.summary.last.as_deref(),
            ),
            by_article: story.summary.basis == "article",
            articles: story.article_list.iter().map(article_item).collect(),
            chart: chart(&story.timeline, &article_days),
            undated: story.timeline.iter().filter(|e| e.undated).count(),
            coverage: coverage(&entries),
            entries,
            claims: claims.len(),
            disputed: claims.iter().filter(|c| c.is_disputed()).count(),
            quotes_href: href("/quotes", &[("story", sid)]),
            claims_href: format!("/stories/{}/claims", pct(sid)),
            map_href: format!("/stories/{}/map", pct(sid)),
            events_href: href("/events", &[("story", sid)]),
        })
    })
    .await
}

// ----- claims -----

struct SideView {
    who: String,
    text: String,
    meta: String,
    href: String,
}

fn side_view(s: &Side) -> SideView {
    SideView {
        who: s.who.clone().unwrap_or_else(|| "unattributed".to_owned()),
        text: s.text.clone(),
        meta: format!("{}, {}", s.source, day(s.published.as_deref())),
        href: evidence_href(&s.article_id, s.start, s.end),
    }
}

struct StatementView {
    claim: SideView,
    disputes: Vec<SideView>,
}

struct NumberView {
    claim: SideView,
    conflicts: Vec<SideView>,
}

struct NumberGroup {
    counts: String,
    numbers: Vec<NumberView>,
    conflicting: bool,
}

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    label: String,
    story_href: String,
    statements: Vec<StatementView>,
    disputed: usize,
    groups: Vec<NumberGroup>,
    conflicts: usize,
}

fn claims_page(label: String, story_href: String, claims: &[StoryClaim]) -> ClaimsPage {
    let mut statements: Vec<StatementView> = claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Statement)
        .map(|c| StatementView {
            claim: side_view(&c.asserted),
            disputes: c.disputed_by.iter().map(side_view).collect(),
        })
        .collect();
    // Disputed statements first; otherwise article order (the sort is stable).
    statements.sort_by_key(|s| s.disputes.is_empty());
    let mut groups: Vec<NumberGroup> = Vec::new();
    for c in claims.iter().filter(|c| c.kind == ClaimKind::Quantity) {
        let counts = c.counts.clone().unwrap_or_default();
        let view = NumberView {
            claim: side_view(&c.asserted),
            conflicts: c
                .conflicts_with
                .iter()
                .filter_map(|&j| claims.get(j))
                .map(|o| side_view(&o.asserted))
                .collect(),
        };
        match groups.iter_mut().find(|g| g.counts == counts) {
            Some(g) => g.numbers.push(view),
            None => groups.push(NumberGroup {
                counts,
                numbers: vec![view],
                conflicting: false,
            }),
        }
    }
    for g in &mut groups {
        g.conflicting = g.numbers.iter().any(|n| !n.conflicts.is_empty());
    }
    groups.sort_by_key(|g| !g.conflicting);
    ClaimsPage {
        label,
        story_href,
        disputed: statements.iter().filter(|s| !s.disputes.is_empty()).count(),
        conflicts: claims.iter().map(|c| c.conflicts_with.len()).sum::<usize>() / 2,
        statements,
        groups,
    }
}

fn story_label(store: &Store, id: &str) -> Result<(String, String, Vec<String>), ApiError> {
    let (sid, ids) = story_or_404(store, id)?;
    let label = stories::story(store, &sid)?.map_or_else(|| sid.clone(), |s| s.summary.label);
    Ok((sid, label, ids))
}

pub async fn claims(State(db): State<Arc<Db>>, Path(id): Path<String>) -> PageResult {
    page(&db, move |store| {
        let (sid, label, ids) = story_label(store, &id)?;
        let claims = facts::story_claims(store, &ids)?;
        Ok(claims_page(
            label,
            format!("/stories/{}", pct(&sid)),
            &claims,
        ))
    })
    .await
}

// ----- map -----

struct PlaceView {
    name: String,
    href: Option<String>,
    country: String,
    mentions: u64,
    articles: u64,
    events: u64,
    coords: Option<String>,
    /// Position and radius on the map, when the place has coordinates.
    x: String,
    y: String,
    r: String,
    /// Whether its name is written on the map (not when it would cover a bigger place's).
    labelled: bool,
}

struct Grid {
    /// Vertical (meridian) lines: x, label.
    meridians: Vec<(String, String)>,
    /// Horizontal (parallel) lines: y, label.
    parallels: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    label: String,
    story_href: String,
    /// Drawn places (with coordinates) and the rest.
    drawn: Vec<PlaceView>,
    undrawn: Vec<PlaceView>,
    height: String,
    grid: Grid,
}

const MAP_WIDTH: f64 = 800.0;

/// Places on an equirectangular projection of their bounding box (widened to a sensible
/// aspect), with a graticule: (height, grid). `lat_lon` pairs in degrees.
fn project(places: &mut [(PlaceView, f64, f64)]) -> (f64, Grid) {
    let lats = places.iter().map(|p| p.1);
    let lons = places.iter().map(|p| p.2);
    let (mut s, mut n) = lats.fold((90.0f64, -90.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (mut w, mut e) = lons.fold((180.0f64, -180.0f64), |(a, b), v| (a.min(v), b.max(v)));
    // Padding and a minimum extent of 8°.
    let pad = |lo: &mut f64, hi: &mut f64, min: f64| {
        let span = (*hi - *lo).max(min);
        let mid = (*hi + *lo) / 2.0;
        *lo = mid - span * 0.6;
        *hi = mid + span * 0.6;
    };
    pad(&mut s, &mut n, 8.0);
    pad(&mut w, &mut e, 8.0);
    let k = ((s + n) / 2.0).to_radians().cos().max(0.2);
    // Height / width between 0.35 and 0.8: widen the narrow side.
    let ratio = (n - s) / ((e - w) * k);
    if ratio < 0.35 {
        pad(&mut s, &mut n, 0.35 * (e - w) * k / 1.2);
    } else if ratio > 0.8 {
        pad(&mut w, &mut e, (n - s) / (0.8 * k) / 1.2);
    }
    let scale = MAP_WIDTH / (e - w);
    let height = (n - s) * scale / k;
    let x = |lon: f64| (lon - w) * scale;
    let y = |lat: f64| (n - lat) * scale / k;
    let most = places
        .iter()
        .map(|p| p.0.mentions)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for (p, lat, lon) in places.iter_mut() {
        p.x = format!("{:.1}", x(*lon));
        p.y = format!("{:.1}", y(*lat));
        p.r = format!("{:.1}", 4.0 + 8.0 * (p.mentions as f64 / most).sqrt());
    }
    let span = (e - w).max(n - s);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0]
        .into_iter()
        .find(|st| span / st <= 8.0)
        .unwrap_or(45.0);
    let lines = |lo: f64, hi: f64| {
        let mut v = Vec::new();
        let mut d = (lo / step).ceil() * step;
        while d <= hi {
            v.push(d);
            d += step;
        }
        v
    };
    let deg = |d: f64, pos: char, neg: char| {
        if d == 0.0 {
            "0°".to_owned()
        } else {
            format!("{}°{}", d.abs(), if d > 0.0 { pos } else { neg })
        }
    };
    let grid = Grid {
        meridians: lines(w, e)
            .into_iter()
            .map(|d| (format!("{:.1}", x(d)), deg(d, 'E', 'W')))
            .collect(),
        parallels: lines(s, n)
            .into_iter()
            .map(|d| (format!("{:.1}", y(d)), deg(d, 'N', 'S')))
            .collect(),
    };
    (height, grid)
}

/// Writes names on the map, most mentioned first, skipping a name whose box would overlap
/// one already written (the table below lists every place; each point has a tooltip).
fn place_labels(places: &mut [PlaceView]) {
    let mut kept: Vec<(f64, f64, f64, f64)> = Vec::new();
    for p in places.iter_mut() {
        let (Ok(x), Ok(y)) = (p.x.parse::<f64>(), p.y.parse::<f64>()) else {
            continue;
        };
        let half = p.name.chars().count() as f64 * 3.0;
        let b = (x - half, y - 20.0, x + half, y - 8.0);
        let overlaps = kept
            .iter()
            .any(|k| b.0 < k.2 && k.0 < b.2 && b.1 < k.3 && k.1 < b.3);
        if !overlaps {
            kept.push(b);
            p.labelled = true;
        }
    }
}

pub async fn map(State(db): State<Arc<Db>>, Path(id): Path<String>) -> PageResult {
    page(&db, move |store| {
        let (sid, label, ids) = story_label(store, &id)?;
        // Mentions of places in the story's articles, by entity (or by text if unresolved).
        let mut counts: BTreeMap<String, (String, Option<String>, u64, u64)> = BTreeMap::new();
        for article in &ids {
            let Some(layers) = store.annotations(article)? else {
                continue;
            };
            let mut seen: Vec<String> = Vec::new();
            for m in layers
                .entities
                .iter()
                .filter(|m| m.kind == EntityType::Place)
            {
                let key = m
                    .entity
                    .clone()
                    .unwrap_or_else(|| format!("text:{}", m.text.to_lowercase()));
                let c = counts
                    .entry(key.clone())
                    .or_insert_with(|| (m.text.clone(), m.entity.clone(), 0, 0));
                c.2 += 1;
                if !seen.contains(&key) {
                    seen.push(key);
                    c.3 += 1;
                }
            }
        }
        let mut events: HashMap<String, u64> = HashMap::new();
        for e in facts::events(store, Some(&ids), None)? {
            if let Some(place) = e.place_entity {
                *events.entry(place).or_default() += 1;
            }
        }
        let known: HashMap<String, storyline_store::entities::EntityRow> = store
            .entity_rows(Some("PLACE"))?
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        let mut drawn = Vec::new();
        let mut undrawn = Vec::new();
        for (_, (text, entity, mentions, articles)) in counts {
            let row = entity.as_ref().and_then(|id| known.get(id));
            let mut view = PlaceView {
                name: row.map_or(text, |r| r.name.clone()),
                href: row.map(|r| format!("/entities/{}", pct(&r.id))),
                country: row.and_then(|r| r.country.clone()).unwrap_or_default(),
                mentions,
                articles,
                events: entity
                    .as_ref()
                    .and_then(|id| events.get(id))
                    .copied()
                    .unwrap_or(0),
                coords: None,
                x: String::new(),
                y: String::new(),
                r: String::new(),
                labelled: false,
            };
            match row.and_then(|r| r.lat.zip(r.lon)) {
                Some((lat, lon))
                    if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
                {
                    view.coords = Some(format!("{lat:.2}, {lon:.2}"));
                    drawn.push((view, lat, lon));
                }
                _ => undrawn.push(view),
            }
        }
        let (height, grid) = if drawn.is_empty() {
            (
                0.0,
                Grid {
                    meridians: Vec::new(),
                    parallels: Vec::new(),
                },
            )
        } else {
            project(&mut drawn)
        };
        let mut drawn: Vec<PlaceView> = drawn.into_iter().map(|p| p.0).collect();
        // Big circles first, so small ones stay clickable on top.
        drawn.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        undrawn.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        place_labels(&mut drawn);
        Ok(MapPage {
            label,
            story_href: format!("/stories/{}", pct(&sid)),
            drawn,
            undrawn,
            height: format!("{height:.0}"),
            grid,
        })
    })
    .await
}

// ----- events list -----

struct EventView {
    date: String,
    kind: String,
    tone: &'static str,
    status: String,
    parties: String,
    place: Option<String>,
    time: Option<String>,
    trigger: String,
    evidence: String,
    href: String,
    source: String,
}

fn event_view(e: &EventRow) -> EventView {
    EventView {
        date: day(e.published.as_deref()),
        kind: e.kind.clone(),
        tone: tone(&e.kind),
        status: e.status.clone(),
        parties: parties(e.actor.as_deref(), e.recipient.as_deref()),
        place: e.place.clone(),
        time: e.time.clone(),
        trigger: e.trigger.clone(),
        evidence: e.evidence.clone(),
        href: evidence_href(&e.article_id, e.sentence_start, e.sentence_end),
        source: e.source.clone(),
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    kind: String,
    story: String,
    entity: String,
    /// (type, href, selected)
    types: Vec<(&'static str, String, bool)>,
    all_href: String,
    events: Vec<EventView>,
    message: Option<String>,
    pager: Pager,
}

pub async fn events(
    State(db): State<Arc<Db>>,
    query: Result<Query<Params>, QueryRejection>,
) -> PageResult {
    let p = params(query);
    page(&db, move |store| {
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        let (story, entity) = (field(&p.story), field(&p.entity));
        let mut out = EventsPage {
            kind: field(&p.entity_type).to_uppercase(),
            types: Vec::new(),
            all_href: href("/events", &[("story", &story), ("entity", &entity)]),
            events: Vec::new(),
            message: None,
            pager: Pager {
                prev: None,
                next: None,
            },
            story,
            entity,
        };
        let checked = p
            .page(50)
            .and_then(|pg| Ok((pg, event_type(p.entity_type.as_deref())?)))
            .and_then(|(pg, kind)| Ok((pg, kind, p.story_articles(store)?)));
        let (pg, kind, ids) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                out.message = Some(e.message);
                return Ok(out);
            }
        };
        out.kind = kind.unwrap_or_default().to_owned();
        out.types = EventType::ALL
            .iter()
            .map(|t| {
                let link = href(
                    "/events",
                    &[
                        ("type", t.as_str()),
                        ("story", &out.story),
                        ("entity", &out.entity),
                    ],
                );
                (t.as_str(), link, Some(t.as_str()) == kind)
            })
            .collect();
        let hits = event_page(store, ids.as_deref(), kind, p.entity.as_deref(), pg)?;
        out.events = hits.items.iter().map(event_view).collect();
        out.pager = Pager::new(
            "/events",
            &[
                ("type", &out.kind),
                ("story", &out.story),
                ("entity", &out.entity),
            ],
            pg,
            hits.more,
        );
        Ok(out)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_inverts_day_number() {
        for d in ["1970-01-01", "2024-02-29", "2025-03-17", "2014-12-31"] {
            assert_eq!(civil(day_number(d).unwrap()), d);
        }
    }

    #[test]
    fn ticks_are_ends_or_month_starts() {
        let a = day_number("2025-03-17").unwrap();
        let b = day_number("2025-03-20").unwrap();
        let ticks: Vec<String> = month_ticks(a, b).into_iter().map(|t| t.1).collect();
        assert_eq!(ticks, ["2025-03-17", "2025-03-20"]);
        let c = day_number("2025-05-19").unwrap();
        let ticks: Vec<String> = month_ticks(a, c).into_iter().map(|t| t.1).collect();
        assert_eq!(ticks, ["2025-04", "2025-05"]);
        let d = day_number("2014-01-01").unwrap();
        assert!(month_ticks(d, c).len() <= 12);
    }

    #[test]
    fn parties_read_naturally() {
        assert_eq!(parties(Some("A"), Some("B")), "A → B");
        assert_eq!(parties(None, Some("B")), "→ B");
        assert_eq!(parties(None, None), "");
    }
}
