//! TimeML in and out: the text of `<TEXT>` with its inline `<TIMEX3>` tags and the creation
//! time from `<DCT>`, as TempEval-3 distributes it; and our annotations written back as
//! TimeML so other scorers can read them.

use chrono::NaiveDate;
use storyline_model::{TimeExpression, TimexType};

/// One gold time expression: code-point span into [`TimemlDoc::text`], type and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    pub kind: TimexType,
    pub value: String,
}

/// A TimeML document reduced to what Task A needs.
#[derive(Clone, Debug)]
pub struct TimemlDoc {
    pub id: String,
    /// The creation time (`<DCT>`), the date part only.
    pub dct: Option<NaiveDate>,
    /// The content of `<TEXT>` with the tags removed and entities decoded.
    pub text: String,
    pub timexes: Vec<GoldTimex>,
}

#[derive(Debug, thiserror::Error)]
pub enum TimemlError {
    #[error("no <TEXT> element")]
    NoText,
    #[error("unterminated tag at byte {0}")]
    Unterminated(usize),
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before_ok = at == 0 || rest.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &rest[at + name.len()..];
        if before_ok && let Some(after) = after.trim_start().strip_prefix('=') {
            let after = after.trim_start();
            let quote = after.chars().next()?;
            if quote == '"' || quote == '\'' {
                let body = &after[1..];
                return body.find(quote).map(|end| &body[..end]);
            }
        }
        rest = &rest[at + name.len()..];
    }
    None
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = name.strip_prefix('#')?;
            let n = match code.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(n)?
        }
    })
}

fn timex_type(s: &str) -> TimexType {
    match s {
        "TIME" => TimexType::Time,
        "DURATION" => TimexType::Duration,
        "SET" => TimexType::Set,
        _ => TimexType::Date,
    }
}

/// Parses one TimeML file.
pub fn parse(id: &str, xml: &str) -> Result<TimemlDoc, TimemlError> {
    let dct = xml.find("<DCT>").and_then(|at| {
        let tail = &xml[at..];
        let tag_end = tail.find('>')?;
        let timex = &tail[tag_end..];
        let value = attribute(timex.get(..timex.find("</DCT>")?)?, "value")?;
        NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
    });
    let open = xml.find("<TEXT>").ok_or(TimemlError::NoText)?;
    let close = xml[open..]
        .find("</TEXT>")
        .map(|c| open + c)
        .ok_or(TimemlError::NoText)?;
    let body = &xml[open + "<TEXT>".len()..close];
    let mut text = String::with_capacity(body.len());
    let mut chars = 0usize;
    let mut timexes = Vec::new();
    let mut open_timex: Option<(usize, TimexType, String)> = None;
    let mut i = 0;
    let bytes = body.as_bytes();
    while i < body.len() {
        match bytes[i] {
            b'<' => {
                let end = body[i..]
                    .find('>')
                    .map(|e| i + e)
                    .ok_or(TimemlError::Unterminated(open + i))?;
                let tag = &body[i + 1..end];
                if tag.starts_with("TIMEX3") {
                    let kind = timex_type(attribute(tag, "type").unwrap_or("DATE"));
                    let value = attribute(tag, "value").unwrap_or("").to_string();
                    open_timex = Some((chars, kind, value));
                } else if tag.starts_with("/TIMEX3")
                    && let Some((start, kind, value)) = open_timex.take()
                {
                    timexes.push(GoldTimex {
                        start,
                        end: chars,
                        kind,
                        value,
                    });
                }
                i = end + 1;
            }
            b'&' => {
                let decoded = body[i..]
                    .find(';')
                    .filter(|e| *e < 10)
                    .and_then(|e| decode_entity(&body[i + 1..i + e]).map(|c| (c, i + e + 1)));
                let (c, next) = decoded.unwrap_or(('&', i + 1));
                text.push(c);
                chars += 1;
                i = next;
            }
            _ => {
                let c = body[i..].chars().next().unwrap_or(' ');
                text.push(c);
                chars += 1;
                i += c.len_utf8();
            }
        }
    }
    Ok(TimemlDoc {
        id: id.to_string(),
        dct,
        text,
        timexes,
    })
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Our annotations of `doc.text` as a TimeML document (DCT as `t0`, ours from `t1`).
pub fn write(doc: &TimemlDoc, found: &[TimeExpression]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" ?>\n<TimeML xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:noNamespaceSchemaLocation=\"http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd\">\n\n",
    );
    out.push_str("<DOCID>");
    escape(&doc.id, &mut out);
    out.push_str("</DOCID>\n\n");
    if let Some(dct) = doc.dct {
        let d = dct.format("%Y-%m-%d");
        out.push_str(&format!(
            "<DCT><TIMEX3 tid=\"t0\" type=\"DATE\" value=\"{d}\" temporalFunction=\"false\" \
             functionInDocument=\"CREATION_TIME\">{d}</TIMEX3></DCT>\n\n"
        ));
    }
    out.push_str("<TEXT>");
    let chars: Vec<char> = doc.text.chars().collect();
    let mut at = 0;
    for (n, t) in found.iter().enumerate() {
        if t.start < at || t.end > chars.len() || t.start >= t.end {
            continue;
        }
        escape(&chars[at..t.start].iter().collect::<String>(), &mut out);
        out.push_str(&format!(
            "<TIMEX3 tid=\"t{}\" type=\"{}\" value=\"",
            n + 1,
            t.kind.as_str()
        ));
        escape(t.value.as_deref().unwrap_or(""), &mut out);
        out.push('"');
        if let Some(m) = &t.modifier {
            out.push_str(&format!(" mod=\"{m}\""));
        }
        out.push('>');
        escape(&chars[t.start..t.end].iter().collect::<String>(), &mut out);
        out.push_str("</TIMEX3>");
        at = t.end;
    }
    escape(
        &chars[at.min(chars.len())..].iter().collect::<String>(),
        &mut out,
    );
    out.push_str("</TEXT>\n\n</TimeML>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07" functionInDocument="CREATION_TIME">08/07/1998</TIMEX3></DCT>
<TEXT>Bombs &amp; shells <EVENT eid="e1">exploded</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-08-07">Friday</TIMEX3>.</TEXT></TimeML>"#;

    #[test]
    fn reads_text_dct_and_timexes() {
        let doc = parse("x", SAMPLE).expect("parses");
        assert_eq!(doc.dct, NaiveDate::from_ymd_opt(1998, 8, 7));
        assert_eq!(doc.text, "Bombs & shells exploded Friday.");
        assert_eq!(doc.timexes.len(), 1);
        let t = &doc.timexes[0];
        assert_eq!((t.start, t.end, t.value.as_str()), (24, 30, "1998-08-07"));
    }

    #[test]
    fn round_trips_through_the_writer() {
        let doc = parse("x", SAMPLE).expect("parses");
        let ours = vec![TimeExpression {
            start: 24,
            end: 30,
            text: "Friday".into(),
            kind: TimexType::Date,
            value: Some("1998-08-07".into()),
            modifier: None,
            anchor: None,
            ambiguous: false,
        }];
        let again = parse("x", &write(&doc, &ours)).expect("reparses");
        assert_eq!(again.text, doc.text);
        assert_eq!(again.timexes, doc.timexes);
        assert_eq!(again.dct, doc.dct);
    }
}
