//! Bytes to text: transparent gzip/zstd decompression, charset detection, binary detection.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

use encoding_rs::Encoding;

/// Largest single document (a text or HTML file, a feed, a JSONL line, a WARC record) read
/// into memory. Bigger inputs are refused with an error rather than exhausting memory;
/// multi-record inputs (JSONL, WARC) stream and have no total size limit.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Wraps `reader` in a decompressor when its first bytes are a gzip or zstd header.
/// Multi-member gzip (one member per WARC record, as in CC-NEWS) is read as one stream.
pub fn decompress<'r>(reader: impl Read + Send + 'r) -> io::Result<Box<dyn BufRead + Send + 'r>> {
    let mut buffered = BufReader::with_capacity(256 * 1024, reader);
    let head = buffered.fill_buf()?;
    if head.starts_with(GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        Ok(Box::new(BufReader::with_capacity(256 * 1024, decoder)))
    } else if head.starts_with(ZSTD_MAGIC) {
        let decoder = zstd::stream::read::Decoder::with_buffer(buffered)?;
        Ok(Box::new(BufReader::with_capacity(256 * 1024, decoder)))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Reads the whole of `reader`, refusing more than [`MAX_DOCUMENT_BYTES`].
pub fn read_capped(reader: &mut dyn BufRead) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(io::Error::other(format!(
            "larger than {} MiB; split it, or use JSONL or WARC for many articles",
            MAX_DOCUMENT_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// True when `bytes` look like binary data rather than text in any charset: NUL bytes, or
/// many C0 control characters.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    // UTF-16 text has NULs but starts with a BOM.
    if sample.starts_with(&[0xff, 0xfe]) || sample.starts_with(&[0xfe, 0xff]) {
        return false;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    sample.contains(&0) || controls * 20 > sample.len()
}

/// Text decoded from bytes, and the charset it was decoded from.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    /// True when the encoding was guessed by detection rather than declared or UTF-8.
    pub guessed: bool,
}

/// Decodes bytes: a BOM wins, then valid UTF-8, then a declared charset (HTTP header or
/// `<meta charset>`), then chardetng's guess. Never fails: undecodable bytes become U+FFFD.
pub fn decode<'a>(bytes: &'a [u8], declared: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text,
            encoding,
            guessed: false,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: encoding_rs::UTF_8,
            guessed: false,
        };
    }
    if let Some(encoding) = declared.and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        // A page declaring UTF-8 that is not valid UTF-8 is mislabelled: detect instead.
        && encoding != encoding_rs::UTF_8
    {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Decoded {
            text,
            encoding,
            guessed: false,
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        guessed: true,
    }
}

/// The charset a page declares in its first 4 KiB: `<meta charset="...">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=...">`.
pub fn declared_html_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_and_zstd_are_transparent() {
        let text = b"Plain words\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        for bytes in [&text[..], &gz[..], &zst[..]] {
            let mut out = Vec::new();
            decompress(bytes).unwrap().read_to_end(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_short_read() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&b"some article text ".repeat(200)).unwrap();
        let gz = gz.finish().unwrap();
        let mut out = Vec::new();
        let result = decompress(&gz[..gz.len() / 2])
            .unwrap()
            .read_to_end(&mut out);
        assert!(result.is_err());
    }

    #[test]
    fn legacy_charsets_are_detected_or_taken_from_declaration() {
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode("Le café était naïf et très cher.");
        let decoded = decode(&cp1252, None);
        assert_eq!(decoded.text, "Le café était naïf et très cher.");
        assert!(decoded.guessed);

        let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode("Привет, мир");
        let decoded = decode(&cyrillic, Some("windows-1251"));
        assert_eq!(decoded.text, "Привет, мир");
        assert!(!decoded.guessed);
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\0\0\0\0"));
        assert!(looks_binary(&[0x01u8, 0x02, 0x03, 0x04, b'a', b'b'][..]));
        assert!(!looks_binary("Plain text, with “quotes”.\n".as_bytes()));
    }

    #[test]
    fn meta_charset() {
        assert_eq!(
            declared_html_charset(b"<html><head><meta charset=\"Shift_JIS\">").as_deref(),
            Some("shift_jis")
        );
        assert_eq!(
            declared_html_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
            )
            .as_deref(),
            Some("windows-1251")
        );
    }
}
