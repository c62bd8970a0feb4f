//! Text normalisation and shingling: the features a MinHash signature is computed over.
//!
//! Normalisation, each step switchable:
//! * `lowercase`: Unicode lowercasing (`char::to_lowercase`).
//! * `remove_punctuation`: drop every character of Unicode general category P* (connector, dash,
//!   open, close, initial, final, other punctuation) and every ASCII punctuation character (which
//!   adds the ASCII symbols `$+<=>^`|~`). Other symbols (emoji, currency signs beyond ASCII) stay.
//!   Punctuation is removed, not replaced by a space: "don't" becomes "dont".
//! * `collapse_whitespace`: every run of Unicode whitespace becomes one space; leading and trailing
//!   whitespace goes.
//!
//! Shingles:
//! * `Word`: the text is split on whitespace and an n-gram is its `n` words joined by one space
//!   (so word shingles never depend on the kind or amount of whitespace, whatever
//!   `collapse_whitespace` says).
//! * `Char`: an n-gram is `n` consecutive characters (code points) of the normalised text.
//!
//! A text with fewer than `n` words (or characters) gives exactly one shingle: the whole
//! normalised text, possibly empty. So every text, even an empty one, has a non-empty shingle
//! set, and all empty texts share the same one.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::error::{invalid, Result};

/// Word or character n-grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShingleMode {
    Word,
    Char,
}

/// How a text becomes shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShingleConfig {
    pub ngram: usize,
    pub mode: ShingleMode,
    pub lowercase: bool,
    pub remove_punctuation: bool,
    pub collapse_whitespace: bool,
}

impl Default for ShingleConfig {
    fn default() -> Self {
        Self { ngram: 5, mode: ShingleMode::Word, lowercase: true, remove_punctuation: true, collapse_whitespace: true }
    }
}

impl ShingleConfig {
    pub fn validate(&self) -> Result<()> {
        if self.ngram == 0 {
            return Err(invalid("ngram must be at least 1"));
        }
        Ok(())
    }
}

#[inline]
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_punctuation()
    } else {
        c.general_category_group() == GeneralCategoryGroup::Punctuation
    }
}

/// Reusable buffers, one per worker thread.
#[derive(Default)]
pub struct Scratch {
    text: String,
    bounds: Vec<(usize, usize)>,
}

const SPACE: u8 = 1;
const PUNCT: u8 = 2;

/// Classes of the ASCII characters, as `char::is_whitespace` and `char::is_ascii_punctuation` say.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            t[i] = SPACE;
        } else if c.is_ascii_punctuation() {
            t[i] = PUNCT;
        }
        i += 1;
    }
    t
};

/// Normalise `text` into `out` (cleared first). ASCII takes a table-driven fast path.
pub fn normalize(text: &str, cfg: &ShingleConfig, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    let single_spaces = cfg.collapse_whitespace || cfg.mode == ShingleMode::Word;
    // SAFETY: only ASCII bytes and complete UTF-8 encodings of chars are pushed, so `out` stays
    // valid UTF-8.
    let buf = unsafe { out.as_mut_vec() };
    let bytes = text.as_bytes();
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_space, is_punct, c) = if b < 0x80 {
            i += 1;
            let class = ASCII_CLASS[b as usize];
            (class & SPACE != 0, class & PUNCT != 0, b as char)
        } else {
            let Some(c) = text[i..].chars().next() else { break };
            i += c.len_utf8();
            (c.is_whitespace(), is_punctuation(c), c)
        };
        if is_space {
            if !single_spaces {
                push_char(buf, c);
            } else {
                pending_space |= !buf.is_empty();
            }
            continue;
        }
        if cfg.remove_punctuation && is_punct {
            continue;
        }
        if pending_space {
            buf.push(b' ');
            pending_space = false;
        }
        if !cfg.lowercase {
            push_char(buf, c);
        } else if c.is_ascii() {
            buf.push((c as u8).to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(|l| push_char(buf, l));
        }
    }
}

#[inline(always)]
fn push_char(buf: &mut Vec<u8>, c: char) {
    if c.is_ascii() {
        buf.push(c as u8);
    } else {
        buf.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes());
    }
}

/// Call `f` on every shingle of `text`, in order (duplicates included).
pub fn for_each_shingle(text: &str, cfg: &ShingleConfig, scratch: &mut Scratch, mut f: impl FnMut(&str)) {
    let Scratch { text: norm, bounds } = scratch;
    normalize(text, cfg, norm);
    bounds.clear();
    match cfg.mode {
        ShingleMode::Word => {
            // `norm` has single spaces between words: an n-gram is a contiguous slice of it.
            let mut start = 0;
            for (i, b) in norm.bytes().enumerate() {
                if b == b' ' {
                    bounds.push((start, i));
                    start = i + 1;
                }
            }
            if !norm.is_empty() {
                bounds.push((start, norm.len()));
            }
        }
        ShingleMode::Char => {
            bounds.extend(norm.char_indices().map(|(i, c)| (i, i + c.len_utf8())));
        }
    }
    let n = cfg.ngram;
    if bounds.len() < n {
        f(norm);
        return;
    }
    for w in bounds.windows(n) {
        f(&norm[w[0].0..w[n - 1].1]);
    }
}

/// Every shingle of `text` as an owned string, in order (duplicates included).
pub fn shingles(text: &str, cfg: &ShingleConfig) -> Vec<String> {
    let mut out = Vec::new();
    for_each_shingle(text, cfg, &mut Scratch::default(), |s| out.push(s.to_owned()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(ngram: usize, mode: ShingleMode) -> ShingleConfig {
        ShingleConfig { ngram, mode, ..Default::default() }
    }

    #[test]
    fn normalises_case_punctuation_and_space() {
        let mut out = String::new();
        normalize("  Hello,\t WORLD!  «Ça» — don't \n", &cfg(1, ShingleMode::Char), &mut out);
        assert_eq!(out, "hello world ça dont");
        let keep = ShingleConfig { lowercase: false, remove_punctuation: false, collapse_whitespace: false, ..cfg(1, ShingleMode::Char) };
        normalize(" A,\tB ", &keep, &mut out);
        assert_eq!(out, " A,\tB ");
    }

    #[test]
    fn word_and_char_ngrams() {
        assert_eq!(shingles("a b  c d", &cfg(2, ShingleMode::Word)), ["a b", "b c", "c d"]);
        assert_eq!(shingles("Ab€d", &cfg(3, ShingleMode::Char)), ["ab€", "b€d"]);
        let raw = ShingleConfig { collapse_whitespace: false, ..cfg(2, ShingleMode::Word) };
        assert_eq!(shingles(" a\t\tb ", &raw), ["a b"]);
    }

    #[test]
    fn short_and_empty_texts_give_one_shingle() {
        assert_eq!(shingles("One two.", &cfg(5, ShingleMode::Word)), ["one two"]);
        assert_eq!(shingles("", &cfg(5, ShingleMode::Word)), [""]);
        assert_eq!(shingles(" ,; ", &cfg(3, ShingleMode::Char)), [""]);
    }
}
