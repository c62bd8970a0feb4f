//! Added tokens: the text is split on them before the model sees it, as `tokenizers` does.
//! Tokens with `normalized: false` are found in the raw text, the others in the normalized
//! pieces between those; both leftmost-longest, and special or not, since encoding without
//! special tokens only skips the post-processor's template.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization_alignments::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::error::invalid;
use crate::Result;

/// A piece of text, or an added token found in it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    Text(&'a str),
    Added(u32),
}

/// One set of added tokens to find: an automaton and the id of each pattern.
pub(crate) struct Matcher {
    automaton: Option<AhoCorasick>,
    ids: Vec<u32>,
}

impl Matcher {
    /// A matcher of `(pattern, id)` pairs, leftmost-longest.
    pub(crate) fn new(tokens: &[(String, u32)]) -> Result<Self> {
        if tokens.is_empty() {
            return Ok(Matcher { automaton: None, ids: vec![] });
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(tokens.iter().map(|(p, _)| p))
            .map_err(|e| invalid(format!("added tokens: {e}")))?;
        Ok(Matcher { automaton: Some(automaton), ids: tokens.iter().map(|(_, id)| *id).collect() })
    }

    /// Call `f` on the non-empty text pieces and the tokens of `text`, in order.
    #[inline]
    pub(crate) fn split<'a>(&self, text: &'a str, mut f: impl FnMut(Segment<'a>)) {
        let Some(automaton) = &self.automaton else {
            if !text.is_empty() {
                f(Segment::Text(text));
            }
            return;
        };
        let mut start = 0;
        for m in automaton.find_iter(text) {
            if m.start() > start {
                f(Segment::Text(&text[start..m.start()]));
            }
            f(Segment::Added(self.ids[m.pattern().as_usize()]));
            start = m.end();
        }
        if start < text.len() {
            f(Segment::Text(&text[start..]));
        }
    }
}

/// NFC as `tokenizers` computes it (the same Unicode 9.0 tables), borrowing when nothing changes.
pub(crate) fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfc().map(|(c, _)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments<'a>(m: &Matcher, text: &'a str) -> Vec<Segment<'a>> {
        let mut out = Vec::new();
        m.split(text, |s| out.push(s));
        out
    }

    #[test]
    fn leftmost_longest() {
        let m = Matcher::new(&[("  ".into(), 1), ("   ".into(), 2), ("<s>".into(), 3)]).unwrap();
        use Segment::*;
        assert_eq!(segments(&m, "a     b<s>"), [Text("a"), Added(2), Added(1), Text("b"), Added(3)]);
        assert_eq!(segments(&m, "<s><s>"), [Added(3), Added(3)]);
        assert_eq!(segments(&m, ""), []);
        assert_eq!(segments(&Matcher::new(&[]).unwrap(), "x"), [Text("x")]);
    }

    #[test]
    fn nfc_composes_and_borrows_when_it_can() {
        assert!(matches!(nfc("plain"), Cow::Borrowed(_)));
        assert!(matches!(nfc("déjà"), Cow::Borrowed(_)));
        assert_eq!(nfc("e\u{301}"), "é");
        assert_eq!(nfc("\u{301}e"), "\u{301}e");
    }
}
