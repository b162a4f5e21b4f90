//! Versioned schema migrations, tracked in SQLite's `user_version`.
//!
//! Each entry moves the schema from version `i` to `i + 1` and runs in its own transaction.
//! Never edit a released migration: append a new one.

use rusqlite::Connection;

use crate::{Result, StoreError};

const MIGRATIONS: &[&str] = &[
    // 1: articles and where they were seen.
    "CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        external_id TEXT,
        source TEXT NOT NULL,
        url TEXT,
        headline TEXT,
        dateline TEXT,
        byline TEXT,
        section TEXT,
        credit TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL,
        paragraphs TEXT NOT NULL,
        removed TEXT NOT NULL,
        format TEXT NOT NULL,
        words INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles (published);
    CREATE TABLE sightings (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        origin_path TEXT NOT NULL,
        origin_record INTEGER NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        seen_at TEXT NOT NULL,
        UNIQUE (origin_path, origin_record, article_id)
    );
    CREATE INDEX sightings_article ON sightings (article_id);",
    // 2: annotation layers per article (zstd-compressed JSON of `Annotations`), and the
    // facts listed across the store, one row each.
    "CREATE TABLE annotations (
        article_id TEXT PRIMARY KEY REFERENCES articles (id),
        pipeline TEXT NOT NULL,
        layers BLOB NOT NULL
    );
    CREATE TABLE mentions (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        type TEXT NOT NULL,
        text TEXT NOT NULL,
        entity TEXT
    );
    CREATE INDEX mentions_article ON mentions (article_id);
    CREATE INDEX mentions_entity ON mentions (entity);
    CREATE TABLE quotes (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        cue TEXT,
        speaker TEXT,
        speaker_description TEXT,
        speaker_entity TEXT
    );
    CREATE INDEX quotes_article ON quotes (article_id);
    CREATE INDEX quotes_speaker ON quotes (speaker COLLATE NOCASE);
    CREATE TABLE quantities (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        value REAL,
        qualifier TEXT,
        unit TEXT,
        counts TEXT,
        count_type TEXT,
        claimed_by TEXT
    );
    CREATE INDEX quantities_article ON quantities (article_id);",
    // 3: corpus entities (issue 7): the resolver's records, aliases under a lookup key, and
    // roles with the date each was stated.
    "CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        geonames INTEGER,
        lat REAL,
        lon REAL,
        country TEXT,
        iso3 TEXT,
        actor TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX entities_type ON entities (type);
    CREATE TABLE entity_aliases (
        entity_id TEXT NOT NULL REFERENCES entities (id),
        alias TEXT NOT NULL,
        key TEXT NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (entity_id, alias)
    );
    CREATE INDEX entity_aliases_key ON entity_aliases (key);
    CREATE TABLE entity_roles (
        rowid INTEGER PRIMARY KEY,
        entity_id TEXT NOT NULL REFERENCES entities (id),
        title TEXT NOT NULL,
        country TEXT,
        date TEXT,
        article_id TEXT
    );
    CREATE INDEX entity_roles_entity ON entity_roles (entity_id);",
    // 4: followed sources (issue 11) with their polling state, and the memory of fetched
    // article URLs (normalised) so each page is fetched once, across restarts.
    "CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        name TEXT,
        added_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_fetch_at TEXT,
        status TEXT,
        error TEXT,
        articles INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE fetched_urls (
        url TEXT PRIMARY KEY,
        source_id INTEGER,
        article_id TEXT,
        status TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX fetched_urls_source ON fetched_urls (source_id);",
    // 5: full-text indexes (issue 10) over articles and quotes: FTS5 external-content tables
    // kept in step by triggers, so every insert, replacement or deletion updates the index
    // in its own transaction. Porter stemming ("talks" finds "talk"); headlines weigh 4x.
    "CREATE VIRTUAL TABLE articles_fts USING fts5(
        headline, text, content = 'articles', content_rowid = 'rowid',
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, headline, text) VALUES (new.rowid, new.headline, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, headline, text)
        VALUES ('delete', old.rowid, old.headline, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, headline, text)
        VALUES ('delete', old.rowid, old.headline, old.text);
        INSERT INTO articles_fts (rowid, headline, text) VALUES (new.rowid, new.headline, new.text);
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    CREATE VIRTUAL TABLE quotes_fts USING fts5(
        text, speaker, speaker_description, content = 'quotes', content_rowid = 'rowid',
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    INSERT INTO quotes_fts (quotes_fts, rank) VALUES ('rank', 'bm25(1.0, 2.0, 1.0)');
    CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts (rowid, text, speaker, speaker_description)
        VALUES (new.rowid, new.text, new.speaker, new.speaker_description);
    END;
    CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, speaker_description)
        VALUES ('delete', old.rowid, old.text, old.speaker, old.speaker_description);
    END;
    CREATE TRIGGER quotes_fts_update AFTER UPDATE ON quotes BEGIN
        INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker, speaker_description)
        VALUES ('delete', old.rowid, old.text, old.speaker, old.speaker_description);
        INSERT INTO quotes_fts (rowid, text, speaker, speaker_description)
        VALUES (new.rowid, new.text, new.speaker, new.speaker_description);
    END;
    INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');",
    // 6: stories (issue 8): stories with their summaries, each article's story, duplicate
    // links to a canonical article (duplicates are never deleted), recorded merges, and the
    // story clusterer's state so ingest continues where it stopped. No foreign keys to
    // articles: `storyline cluster` output and store rows come from the same code.
    "CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        label TEXT,
        label_article TEXT,
        articles INTEGER NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        entities TEXT NOT NULL,
        open INTEGER NOT NULL,
        merged_into TEXT
    );
    CREATE TABLE story_articles (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL UNIQUE,
        story_id TEXT NOT NULL,
        similarity REAL NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles (story_id);
    CREATE TABLE duplicates (
        article_id TEXT PRIMARY KEY,
        canonical_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        similarity REAL NOT NULL
    );
    CREATE INDEX duplicates_canonical ON duplicates (canonical_id);
    CREATE TABLE story_merges (
        rowid INTEGER PRIMARY KEY,
        from_story TEXT NOT NULL,
        into_story TEXT NOT NULL,
        similarity REAL NOT NULL,
        article_id TEXT NOT NULL
    );
    CREATE TABLE corpus_state (
        name TEXT PRIMARY KEY,
        state BLOB NOT NULL
    );",
    // 7: events (issue 9): one row per coded event, written with the article's layers, with
    // its evidence sentence, so `storyline events` and timelines are queries.
    "CREATE TABLE events (
        article_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        status TEXT NOT NULL,
        cameo TEXT NOT NULL,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text TEXT NOT NULL,
        actor TEXT,
        actor_entity TEXT,
        recipient TEXT,
        recipient_entity TEXT,
        place TEXT,
        place_entity TEXT,
        time TEXT,
        sentence INTEGER NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE INDEX events_type ON events (type);",
    // 8: full text moves to a tantivy index beside the database (FTS5 ranks every match of
    // a common word, too slow at scale). SQLite stays the source of truth: triggers append
    // the id of every article whose text, quotes, mentions or filter fields change to
    // `search_changes` (one row per article, renumbered by each change), and the index
    // catches up from there (see `fulltext`). `instance`
    // tells an index which database it was built from.
    "DROP TRIGGER articles_fts_insert;
    DROP TRIGGER articles_fts_delete;
    DROP TRIGGER articles_fts_update;
    DROP TRIGGER quotes_fts_insert;
    DROP TRIGGER quotes_fts_delete;
    DROP TRIGGER quotes_fts_update;
    DROP TABLE articles_fts;
    DROP TABLE quotes_fts;
    CREATE TABLE search_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL UNIQUE
    );
    CREATE TABLE search_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO search_state (key, value) VALUES ('instance', lower(hex(randomblob(16))));
    CREATE TRIGGER search_article_insert AFTER INSERT ON articles BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (new.id);
    END;
    CREATE TRIGGER search_article_update
    AFTER UPDATE OF id, headline, text, source, published, language ON articles BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.id);
        INSERT OR REPLACE INTO search_changes (article_id) SELECT new.id WHERE new.id <> old.id;
    END;
    CREATE TRIGGER search_article_delete AFTER DELETE ON articles BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.id);
    END;
    CREATE TRIGGER search_quote_insert AFTER INSERT ON quotes BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (new.article_id);
    END;
    CREATE TRIGGER search_quote_update
    AFTER UPDATE OF article_id, text, speaker, speaker_description ON quotes BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.article_id);
        INSERT OR REPLACE INTO search_changes (article_id)
        SELECT new.article_id WHERE new.article_id <> old.article_id;
    END;
    CREATE TRIGGER search_quote_delete AFTER DELETE ON quotes BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.article_id);
    END;
    CREATE TRIGGER search_mention_insert AFTER INSERT ON mentions BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (new.article_id);
    END;
    CREATE TRIGGER search_mention_update AFTER UPDATE OF article_id, text, entity ON mentions BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.article_id);
        INSERT OR REPLACE INTO search_changes (article_id)
        SELECT new.article_id WHERE new.article_id <> old.article_id;
    END;
    CREATE TRIGGER search_mention_delete AFTER DELETE ON mentions BEGIN
        INSERT OR REPLACE INTO search_changes (article_id) VALUES (old.article_id);
    END;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let current = check_version(conn, path)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The database's schema version, refusing one newer than this build.
pub fn check_version(conn: &Connection, path: &str) -> Result<i64> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}
