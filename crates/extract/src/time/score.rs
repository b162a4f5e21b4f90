//! TempEval-3 Task A measures (UzZaman et al. 2013): extent precision, recall and F1 with
//! strict (same span) and relaxed (overlapping spans) matching, and for relaxed matches
//! the type and value attributes as accuracy (correct / matched) and as F1 (correct over
//! system count for precision, over gold count for recall).

use storyline_model::TimeExpression;

use crate::time::timeml::GoldTimex;

/// Counts summed over documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub gold: usize,
    pub system: usize,
    pub strict: usize,
    pub relaxed: usize,
    pub type_correct: usize,
    pub value_correct: usize,
}

/// Precision, recall and F1 in percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn prf(hits: usize, system: usize, gold: usize) -> Prf {
    let p = if system == 0 {
        0.0
    } else {
        hits as f64 / system as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        hits as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    Prf {
        precision: 100.0 * p,
        recall: 100.0 * r,
        f1: 100.0 * f,
    }
}

impl Counts {
    /// Adds one document: `gold` and `system` spans in the same text.
    pub fn add(&mut self, gold: &[GoldTimex], system: &[TimeExpression]) {
        self.gold += gold.len();
        self.system += system.len();
        let mut used = vec![false; system.len()];
        for g in gold {
            if system.iter().any(|s| s.start == g.start && s.end == g.end) {
                self.strict += 1;
            }
            // One-to-one: each system expression matches at most one gold one.
            let hit = system
                .iter()
                .enumerate()
                .find(|(k, s)| !used[*k] && s.start < g.end && g.start < s.end);
            if let Some((k, s)) = hit {
                used[k] = true;
                self.relaxed += 1;
                if s.kind == g.kind {
                    self.type_correct += 1;
                }
                if s.value.as_deref() == Some(g.value.as_str()) {
                    self.value_correct += 1;
                }
            }
        }
    }

    pub fn strict(&self) -> Prf {
        prf(self.strict, self.system, self.gold)
    }

    pub fn relaxed(&self) -> Prf {
        prf(self.relaxed, self.system, self.gold)
    }

    pub fn value(&self) -> Prf {
        prf(self.value_correct, self.system, self.gold)
    }

    pub fn type_f1(&self) -> Prf {
        prf(self.type_correct, self.system, self.gold)
    }

    /// Correct values among relaxed matches, in percent.
    pub fn value_accuracy(&self) -> f64 {
        ratio(self.value_correct, self.relaxed)
    }

    pub fn type_accuracy(&self) -> f64 {
        ratio(self.type_correct, self.relaxed)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::TimexType;

    fn sys(start: usize, end: usize, value: &str) -> TimeExpression {
        TimeExpression {
            start,
            end,
            text: String::new(),
            kind: TimexType::Date,
            value: Some(value.into()),
            modifier: None,
            anchor: None,
            ambiguous: false,
        }
    }

    #[test]
    fn strict_relaxed_and_value() {
        let gold = vec![
            GoldTimex {
                start: 0,
                end: 6,
                kind: TimexType::Date,
                value: "1998-08-07".into(),
            },
            GoldTimex {
                start: 10,
                end: 19,
                kind: TimexType::Date,
                value: "1998-W31".into(),
            },
        ];
        let system = vec![
            sys(0, 6, "1998-08-07"),
            sys(12, 19, "1998-W30"),
            sys(30, 33, "x"),
        ];
        let mut c = Counts::default();
        c.add(&gold, &system);
        assert_eq!((c.strict, c.relaxed, c.value_correct), (1, 2, 1));
        assert!((c.relaxed().precision - 66.666).abs() < 0.01);
        assert!((c.relaxed().recall - 100.0).abs() < 1e-9);
        assert!((c.value_accuracy() - 50.0).abs() < 1e-9);
        assert!((c.value().recall - 50.0).abs() < 1e-9);
    }

    #[test]
    fn one_to_one_and_exact_value_strings() {
        // "Thursday, Jan. 6" found as one expression against two gold ones: one match.
        let gold = vec![
            GoldTimex {
                start: 0,
                end: 8,
                kind: TimexType::Date,
                value: "2000-01-06".into(),
            },
            GoldTimex {
                start: 10,
                end: 16,
                kind: TimexType::Date,
                value: "2000-01-06".into(),
            },
        ];
        let mut c = Counts::default();
        c.add(&gold, &[sys(0, 16, "2000-01-06")]);
        assert_eq!((c.relaxed, c.value_correct), (1, 1));
        // Values compare as strings: a week without its leading zero is another value.
        let week = vec![GoldTimex {
            start: 0,
            end: 8,
            kind: TimexType::Date,
            value: "2000-W7".into(),
        }];
        let mut c = Counts::default();
        c.add(&week, &[sys(0, 8, "2000-W07")]);
        assert_eq!((c.relaxed, c.type_correct, c.value_correct), (1, 1, 0));
        // The type does not matter for the value.
        let mut c = Counts::default();
        let mut set = sys(0, 8, "2000-01-06");
        set.kind = TimexType::Set;
        c.add(&gold[..1], &[set]);
        assert_eq!((c.type_correct, c.value_correct), (0, 1));
    }
}
