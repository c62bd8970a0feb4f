//! Paragraphs with code-point spans, and the exact keys of the paragraphs mode.
//!
//! A text is split on a separator exactly as Python's `str.split(separator)` does. A paragraph's
//! span runs from its first character through its trailing separator (the last paragraph has
//! none), so removing flagged spans leaves no empty lines behind.
//!
//! The exact key of a paragraph: with `normalize`, its whitespace runs collapsed to one space,
//! stripped and lower-cased (Python's `re.sub(r"\s+", " ", p).strip().lower()`); else, with
//! `strip`, the paragraph without leading and trailing whitespace (`p.strip()`); else the
//! paragraph exactly as it is, so lines that differ only in indentation are different keys. It
//! is eligible when its stripped length in code points is at least `min_length` and, for
//! `min_words > 1`, it has at least `min_words` whitespace-separated words. Its hash is
//! [`hash64`] of its UTF-8 bytes: the same value Python got from `hash64(key, seed)`.

use super::chars::{is_space, ASCII_SPACE};
use super::{concat, over_chunks, Spans};
use crate::error::{invalid, Result};
use crate::hash::hash64;

/// Call `f(paragraph, start, end)` on every paragraph of `text`, in order; `start..end` is its
/// span in code points, `end` past the trailing separator except for the last paragraph.
pub fn for_each_paragraph(text: &str, separator: &str, f: impl FnMut(&str, usize, usize)) {
    let ascii = text.is_ascii();
    let step = separator.chars().count();
    let mut chars = separator.chars();
    match (chars.next(), chars.next()) {
        // One ASCII character (a newline, typically): cut at each byte found by memchr.
        (Some(c), None) if c.is_ascii() => walk(ByteSplit { text, byte: c as u8, start: Some(0) }, ascii, step, f),
        (Some(c), None) => walk(text.split(c), ascii, step, f),
        _ => walk(text.split(separator), ascii, step, f),
    }
}

/// `text.split(byte as char)` for an ASCII byte, found with memchr.
struct ByteSplit<'a> {
    text: &'a str,
    byte: u8,
    start: Option<usize>,
}

impl<'a> Iterator for ByteSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.start?;
        match memchr::memchr(self.byte, &self.text.as_bytes()[start..]) {
            Some(at) => {
                self.start = Some(start + at + 1);
                Some(&self.text[start..start + at])
            }
            None => {
                self.start = None;
                Some(&self.text[start..])
            }
        }
    }
}

fn walk<'a>(parts: impl Iterator<Item = &'a str>, ascii: bool, step: usize, mut f: impl FnMut(&str, usize, usize)) {
    let mut parts = parts.peekable();
    let mut position = 0;
    while let Some(part) = parts.next() {
        let end = position + if ascii { part.len() } else { part.chars().count() };
        let last = parts.peek().is_none();
        f(part, position, if last { end } else { end + step });
        position = end + step;
    }
}

/// Settings of exact paragraph keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphKeyConfig {
    pub separator: String,
    pub normalize: bool,
    /// Without `normalize`: key the paragraph without its leading and trailing whitespace.
    pub strip: bool,
    pub min_length: usize,
    pub min_words: usize,
    pub seed: u64,
}

/// The eligible paragraphs of a batch: `hash[i]` is the key hash of the paragraph at `spans[i]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParagraphKeys {
    pub hash: Vec<u64>,
    pub spans: Spans,
}

/// The key hash and span of every eligible paragraph of `texts`, in input order.
pub fn paragraph_keys<S: AsRef<str> + Sync>(texts: &[S], cfg: &ParagraphKeyConfig) -> Result<ParagraphKeys> {
    if cfg.separator.is_empty() {
        return Err(invalid("separator must not be empty"));
    }
    let chunks = over_chunks(texts.len(), |range| {
        let mut out = ParagraphKeys::default();
        let mut buf = String::new();
        for doc in range {
            for_each_paragraph(texts[doc].as_ref(), &cfg.separator, |part, start, end| {
                if let Some(key) = eligible_key(part, cfg, &mut buf) {
                    out.hash.push(hash64(key.as_bytes(), cfg.seed));
                    out.spans.push(doc, start, end);
                }
            });
        }
        out
    });
    let (hash, spans) = chunks.into_iter().map(|c| (c.hash, c.spans)).unzip();
    Ok(ParagraphKeys { hash: concat(hash), spans: Spans::concat(spans) })
}

/// The key of `part`, or None when it is too short.
fn eligible_key<'a>(part: &'a str, cfg: &ParagraphKeyConfig, buf: &'a mut String) -> Option<&'a str> {
    let (key, length, words) = if cfg.normalize {
        let ascii = collapse_lowered(part, buf);
        let length = if ascii { buf.len() } else { buf.chars().count() };
        // Words are separated by single spaces now.
        let words = if cfg.min_words > 1 && !buf.is_empty() { buf.bytes().filter(|&b| b == b' ').count() + 1 } else { 0 };
        (buf.as_str(), length, words)
    } else {
        let stripped = part.trim_matches(is_space);
        let length = if stripped.is_ascii() { stripped.len() } else { stripped.chars().count() };
        let words = if cfg.min_words > 1 { stripped.split(is_space).filter(|w| !w.is_empty()).count() } else { 0 };
        (if cfg.strip { stripped } else { part }, length, words)
    };
    (length >= cfg.min_length && (cfg.min_words <= 1 || words >= cfg.min_words)).then_some(key)
}

/// `part` with whitespace runs collapsed to one space, stripped and lower-cased, into `buf`.
/// Returns whether it is all ASCII. Python lower-cases after collapsing, and so does this: a
/// final sigma is final with respect to the collapsed text.
fn collapse_lowered(part: &str, buf: &mut String) -> bool {
    buf.clear();
    let mut pending_space = false;
    let mut ascii = true;
    let bytes = part.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, space) = if b < 0x80 {
            i += 1;
            (b.to_ascii_lowercase() as char, ASCII_SPACE[b as usize])
        } else {
            let Some(c) = part[i..].chars().next() else { break };
            i += c.len_utf8();
            ascii = false;
            (c, c.is_whitespace())
        };
        if space {
            pending_space = !buf.is_empty();
            continue;
        }
        if pending_space {
            buf.push(' ');
            pending_space = false;
        }
        buf.push(c);
    }
    if !ascii {
        *buf = buf.to_lowercase();
    }
    ascii
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str, separator: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for_each_paragraph(text, separator, |p, s, e| out.push((p.to_owned(), s, e)));
        out
    }

    #[test]
    fn spans_include_the_trailing_separator_in_code_points() {
        let got = paragraphs("é😀\n\nab\n", "\n");
        let want = [("é😀", 0, 3), ("", 3, 4), ("ab", 4, 7), ("", 7, 7)];
        assert_eq!(got, want.map(|(p, s, e)| (p.to_owned(), s, e)));
        let got = paragraphs("a\r\nb\r\n\r\nc", "\r\n");
        let want = [("a", 0, 3), ("b", 3, 6), ("", 6, 8), ("c", 8, 9)];
        assert_eq!(got, want.map(|(p, s, e)| (p.to_owned(), s, e)));
        assert_eq!(paragraphs("", "\n"), [(String::new(), 0, 0)]);
        assert_eq!(paragraphs("x§§y", "§§"), [("x".to_owned(), 0, 3), ("y".to_owned(), 3, 4)]);
    }

    fn cfg(normalize: bool, min_length: usize, min_words: usize) -> ParagraphKeyConfig {
        ParagraphKeyConfig { separator: "\n".into(), normalize, strip: true, min_length, min_words, seed: 5 }
    }

    #[test]
    fn keys_are_hashes_of_the_normalised_or_stripped_paragraph() {
        let texts = ["  Hello \t  WORLD \nMenu\n\n ΟΔΟΣ  ΣΑΣ ", "hello world"];
        let got = paragraph_keys(&texts, &cfg(true, 1, 1)).unwrap();
        let want: Vec<u64> = ["hello world", "menu", "οδος σας", "hello world"].iter().map(|k| hash64(k.as_bytes(), 5)).collect();
        assert_eq!(got.hash, want);
        assert_eq!(got.spans.doc, [0, 0, 0, 1]);
        assert_eq!(got.spans.start, [0, 18, 24, 0]);
        assert_eq!(got.spans.end, [18, 23, 35, 11]);
        let plain = paragraph_keys(&texts, &cfg(false, 1, 1)).unwrap();
        assert_eq!(plain.hash[0], hash64("Hello \t  WORLD".as_bytes(), 5));
        let exact = paragraph_keys(&texts, &ParagraphKeyConfig { strip: false, ..cfg(false, 1, 1) }).unwrap();
        assert_eq!(exact.hash[0], hash64("  Hello \t  WORLD ".as_bytes(), 5));
        assert_eq!(exact.spans, plain.spans);
    }

    #[test]
    fn exact_keys_tell_indentation_apart() {
        let texts = ["    return x\nreturn x\n\treturn x\nreturn x"];
        let exact = paragraph_keys(&texts, &ParagraphKeyConfig { strip: false, ..cfg(false, 1, 1) }).unwrap();
        assert_eq!(exact.hash[1], exact.hash[3]);
        assert!(exact.hash[0] != exact.hash[1] && exact.hash[0] != exact.hash[2] && exact.hash[1] != exact.hash[2]);
        let stripped = paragraph_keys(&texts, &cfg(false, 1, 1)).unwrap();
        assert!(stripped.hash.iter().all(|&h| h == stripped.hash[0]));
    }

    #[test]
    fn short_paragraphs_are_not_keys() {
        let texts = ["one\ntwo words\nthree words here\n  \n"];
        let by_words = paragraph_keys(&texts, &cfg(false, 1, 2)).unwrap();
        assert_eq!(by_words.spans.start, [4, 14]);
        let by_length = paragraph_keys(&texts, &cfg(true, 9, 1)).unwrap();
        assert_eq!(by_length.spans.start, [4, 14]);
        assert!(paragraph_keys(&texts, &ParagraphKeyConfig { separator: String::new(), ..cfg(true, 1, 1) }).is_err());
    }
}
