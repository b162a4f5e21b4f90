//! ECB+ cross-document entity coreference on gold mentions (topics 1-35 of the shared copy):
//! the resolver must beat the same-head-lemma baseline by more than 9.5 CoNLL points. The figures are printed by
//! `storyline eval entity-coref`; this test guards against regressions.

mod common;

use storyline_corpus::entities::{Resolver, ecbplus};

#[test]
fn ecbplus_beats_the_lemma_baseline() {
    let resolver = Resolver::load().expect("lexicon");
    let topics: Vec<u32> = (1..=35).collect();
    let report = ecbplus::evaluate(
        &common::shared_dir().join("data/ecbplus"),
        &topics,
        &resolver,
    )
    .expect("ECB+ loads");
    let (b, s) = (report.baseline, report.system);
    println!(
        "mentions {} baseline MUC {:.2} B3 {:.2} CEAFe {:.2} CoNLL {:.2} | storyline MUC {:.2} B3 {:.2} CEAFe {:.2} CoNLL {:.2}",
        report.mentions,
        b.muc.f1 * 100.0,
        b.b3.f1 * 100.0,
        b.ceaf_e.f1 * 100.0,
        b.conll * 100.0,
        s.muc.f1 * 100.0,
        s.b3.f1 * 100.0,
        s.ceaf_e.f1 * 100.0,
        s.conll * 100.0
    );
    assert!(report.mentions > 4000, "{} mentions", report.mentions);
    // 80.11 vs 69.30 now (76.99 when written): the issue asks for +10; a drop below +9.5
    // points is a regression, not noise.
    assert!(
        s.conll > b.conll + 0.095,
        "storyline {:.4} vs baseline {:.4}",
        s.conll,
        b.conll
    );
    // The baseline is the standard one and must not move.
    assert!((b.conll - 0.6930).abs() < 0.0005, "baseline {:.4}", b.conll);
}
