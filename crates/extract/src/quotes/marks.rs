//! Quote-mark matching: one left-to-right pass over the text pairs opening and closing
//! marks (straight, curly, low-9, guillemets, and two apostrophes '' as the New York Times
//! writes them) into quotations, in linear time whatever the input. Single marks are never paired at the top level (they are apostrophes far more
//! often than quotes); inside a double quotation they are content (“The ‘yes, but’ …”).
//!
//! Line breaks: a quotation whose line ends mid-sentence goes on over the break (a quote
//! broken across lines); one whose paragraph ends while it is open goes on when the next
//! paragraph starts with an opening mark (the newspaper convention for quotes running over
//! paragraphs) and otherwise ends there, unclosed.

/// A quotation found by its marks. Offsets are code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// The opening mark.
    pub open: usize,
    /// Content, without marks or surrounding whitespace.
    pub start: usize,
    pub end: usize,
    /// The closing mark, if there was one.
    pub close: Option<usize>,
    /// Opening marks of continuation paragraphs inside the content (left out of its text).
    pub continuations: Vec<usize>,
}

/// Longest quotation kept, in code points: an unmatched mark must not swallow an article.
pub const MAX_QUOTE_CHARS: usize = 6000;

fn opens(c: char) -> bool {
    matches!(c, '“' | '„' | '«')
}

fn closes(c: char) -> bool {
    matches!(c, '”' | '»')
}

/// A character at which a quotation may open (or, inside one, reopen or close).
fn may_open(c: char) -> bool {
    opens(c) || matches!(c, '"' | '\'')
}

/// A character at which an open quotation may close or break.
fn may_end(c: char) -> bool {
    closes(c) || c == '\n'
}

fn opening_context(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/'))
}

struct Open {
    open: usize,
    start: usize,
    continuations: Vec<usize>,
}

/// Every quotation in `text`, in order, non-overlapping.
pub fn find_quotations(text: &str) -> Vec<Quoted> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut current: Option<Open> = None;
    let mut i = 0;
    while i < chars.len() {
        // Skip to the next character that can change the state: outside a quotation one
        // that may open one, inside one that may close, reopen or break it (or the point
        // where it grows too long). The others only moved the open quotation out and back
        // in, about 40 instructions for every character of the text.
        match &current {
            None => {
                while i < chars.len() && !may_open(chars[i]) {
                    i += 1;
                }
            }
            Some(open) => {
                let limit = chars.len().min(open.start + MAX_QUOTE_CHARS + 1);
                while i < limit && !may_open(chars[i]) && !may_end(chars[i]) {
                    i += 1;
                }
            }
        }
        if i >= chars.len() {
            break;
        }
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        if let Some(open) = &current
            && i - open.start > MAX_QUOTE_CHARS
        {
            current = None;
            continue;
        }
        // Two apostrophes: the New York Times' double quote mark, two characters wide.
        let doubled = c == '\'' && next == Some('\'');
        match current.take() {
            None if doubled => {
                let after = chars.get(i + 2).copied();
                if opening_context(prev) && after.is_some_and(|n| !n.is_whitespace()) {
                    current = Some(Open {
                        open: i,
                        start: i + 2,
                        continuations: Vec::new(),
                    });
                }
                i += 2;
                continue;
            }
            Some(open) if doubled => {
                push(&chars, &mut found, open, i, Some(i));
                i += 2;
                continue;
            }
            None => {
                let is_open = opens(c)
                    || (c == '"'
                        && opening_context(prev)
                        && next.is_some_and(|n| !n.is_whitespace()));
                if is_open {
                    current = Some(Open {
                        open: i,
                        start: i + 1,
                        continuations: Vec::new(),
                    });
                }
            }
            Some(mut open) => {
                if closes(c) || c == '"' {
                    push(&chars, &mut found, open, i, Some(i));
                } else if opens(c) {
                    // An opening mark inside an open quotation on the same line: the first
                    // was never closed. Start again from here.
                    current = Some(Open {
                        open: i,
                        start: i + 1,
                        continuations: Vec::new(),
                    });
                } else if c == '\n' {
                    let mut j = i + 1;
                    while j < chars.len() && chars[j].is_whitespace() {
                        j += 1;
                    }
                    let next_opens = j < chars.len()
                        && (opens(chars[j])
                            || chars[j] == '"'
                            || (chars[j] == '\'' && chars.get(j + 1) == Some(&'\'')));
                    let line_done = last_visible(&chars, open.start, i)
                        .is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | ';'));
                    if line_done && next_opens {
                        open.continuations.push(j);
                        current = Some(open);
                        i = j + 1;
                        continue;
                    } else if line_done || j - i > 2 {
                        // The paragraph ended inside the quotation (or a blank line did).
                        push(&chars, &mut found, open, i, None);
                    } else {
                        current = Some(open);
                    }
                } else {
                    current = Some(open);
                }
            }
        }
        i += 1;
    }
    if let Some(open) = current {
        push(&chars, &mut found, open, chars.len(), None);
    }
    found
}

fn last_visible(chars: &[char], from: usize, to: usize) -> Option<char> {
    chars[from..to]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace() && !opens(**c) && !closes(**c) && !matches!(**c, '"' | '\''))
        .copied()
}

fn push(chars: &[char], found: &mut Vec<Quoted>, open: Open, end: usize, close: Option<usize>) {
    let mut start = open.start;
    let mut end = end;
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if chars[start..end].iter().any(|c| c.is_alphanumeric()) {
        found.push(Quoted {
            open: open.open,
            start,
            end,
            close,
            continuations: open.continuations,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        find_quotations(text)
            .iter()
            .map(|q| chars[q.start..q.end].iter().collect())
            .collect()
    }

    #[test]
    fn straight_and_curly() {
        assert_eq!(
            texts("\"It needs to happen soon,\" Rubio stressed. He said “calmer” things."),
            ["It needs to happen soon,", "calmer"]
        );
    }

    #[test]
    fn nested_single_marks_are_content() {
        assert_eq!(
            texts("stating, “The ‘yes, but’ from Russia is not good enough.” He"),
            ["The ‘yes, but’ from Russia is not good enough."]
        );
    }

    #[test]
    fn broken_line_and_continued_paragraph() {
        assert_eq!(
            texts("to discuss “concrete aspects of the\nimplementation of understandings” reached"),
            ["concrete aspects of the\nimplementation of understandings"]
        );
        let q = find_quotations("“First paragraph.\n“Second one,” she said.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].continuations, vec![18]);
    }

    #[test]
    fn unbalanced_marks_end_at_the_paragraph() {
        assert_eq!(
            texts("He said “this never closes.\nNext paragraph, “fine” here."),
            ["this never closes.", "fine"]
        );
        assert_eq!(texts("a 6\" pipe and ” stray"), Vec::<String>::new());
    }

    #[test]
    fn doubled_apostrophes_are_double_quotes() {
        assert_eq!(
            texts("''We should act,'' Mr. Castro said. It's the players' ''fair share.''"),
            ["We should act,", "fair share."]
        );
        // Running over paragraphs, as with other marks.
        let q = find_quotations("''First paragraph.\n''Second one,'' she said.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].continuations, vec![19]);
        // An apostrophe pair before a space opens nothing.
        assert_eq!(texts("the '' mark"), Vec::<String>::new());
        let text = "'".repeat(10_001) + "word";
        assert!(find_quotations(&text).len() <= 1);
    }

    #[test]
    fn many_marks_in_a_row() {
        let text = "\"".repeat(10_000) + "word" + &"”".repeat(5000);
        let found = find_quotations(&text);
        assert!(found.len() <= 1);
    }
}
