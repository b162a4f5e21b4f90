//! The PETRARCH2 unit-test records (`PETR.UnitTest.records.xml`): stylised sentences with
//! the CAMEO codes PETRARCH must produce. `storyline eval events --petrarch` maps both
//! sides to PLOVER types and reports how often the sets agree.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event as Xml;

#[derive(Clone, Debug, PartialEq)]
pub struct UnitTest {
    pub id: String,
    pub text: String,
    /// The expected CAMEO event codes (empty when the record expects no event).
    pub expected: Vec<String>,
}

/// Reads every `<Sentence>` with its `<EventCoding eventcode=…>` and `<Text>`.
pub fn read_unit_tests(path: &Path) -> std::io::Result<Vec<UnitTest>> {
    let xml = std::fs::read_to_string(path)?;
    parse_unit_tests(&xml).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

pub fn parse_unit_tests(xml: &str) -> Result<Vec<UnitTest>, String> {
    let mut reader = Reader::from_str(xml);
    let mut tests = Vec::new();
    let mut current: Option<UnitTest> = None;
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Xml::Start(tag) | Xml::Empty(tag) => match tag.local_name().into_inner() {
                "Sentence" => {
                    let id = attribute(&tag, "id").unwrap_or_default();
                    current = Some(UnitTest {
                        id,
                        text: String::new(),
                        expected: Vec::new(),
                    });
                }
                "EventCoding" => {
                    if let (Some(test), Some(code)) =
                        (current.as_mut(), attribute(&tag, "eventcode"))
                    {
                        test.expected.push(code);
                    }
                }
                "Text" => in_text = true,
                _ => {}
            },
            Xml::Text(text) if in_text => {
                if let Some(test) = current.as_mut() {
                    test.text.push_str(&text.xml10_content());
                }
            }
            Xml::GeneralRef(reference) if in_text => {
                if let Some(test) = current.as_mut() {
                    if let Ok(Some(c)) = reference.resolve_char_ref() {
                        test.text.push(c);
                    } else if let Some(s) =
                        quick_xml::escape::resolve_predefined_entity(&reference.into_inner())
                    {
                        test.text.push_str(s);
                    }
                }
            }
            Xml::End(tag) => match tag.local_name().into_inner() {
                "Text" => in_text = false,
                "Sentence" => {
                    if let Some(mut test) = current.take() {
                        test.text = test.text.split_whitespace().collect::<Vec<_>>().join(" ");
                        if !test.text.is_empty() {
                            tests.push(test);
                        }
                    }
                }
                _ => {}
            },
            Xml::Eof => break,
            _ => {}
        }
    }
    Ok(tests)
}

fn attribute(tag: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    tag.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_with_codes_and_text_are_read() {
        let xml = r#"<Validation><Sentences>
            <Sentence date="19950101" id="T-1"><!-- c -->
            <EventCoding sourcecode="A" targetcode="B" eventcode="064"></EventCoding>
            <EventCoding sourcecode="B" targetcode="A" eventcode="111"/>
            <Text>
            Arnor restored ties
            with Gondor.
            </Text><Parse>(ROOT)</Parse></Sentence>
            <Sentence id="T-2" ><Text>Nothing happened.</Text></Sentence>
            </Sentences></Validation>"#;
        let tests = parse_unit_tests(xml).unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].id, "T-1");
        assert_eq!(tests[0].text, "Arnor restored ties with Gondor.");
        assert_eq!(tests[0].expected, ["064", "111"]);
        assert!(tests[1].expected.is_empty());
        assert!(parse_unit_tests("<a><b></a>").is_err());
    }
}
