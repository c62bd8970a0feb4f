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
pub(super) fn is_punctuation(c: char) -> bool {
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
pub(super) const PUNCT: u8 = 2;

/// Classes of the ASCII characters, as `char::is_whitespace` and `char::is_ascii_punctuation` say.
pub(super) static ASCII_CLASS: [u8; 128] = {
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

/// Normalise `text` into `out` (cleared first).
///
/// ASCII bytes take a branch-free path (whether a byte is kept is computed, not branched on:
/// word lengths are random, so branches on spaces would mispredict once a word).
pub fn normalize(text: &str, cfg: &ShingleConfig, out: &mut String) {
    let single_spaces = cfg.collapse_whitespace || cfg.mode == ShingleMode::Word;
    // Per-byte output and drop flag for ASCII under this configuration.
    let mut map = [0u8; 128];
    let mut drop_always = [false; 128];
    for (i, m) in map.iter_mut().enumerate() {
        let c = i as u8;
        let class = ASCII_CLASS[i];
        *m = if class & SPACE != 0 && single_spaces {
            b' '
        } else if cfg.lowercase {
            c.to_ascii_lowercase()
        } else {
            c
        };
        drop_always[i] = cfg.remove_punctuation && class & PUNCT != 0;
    }
    out.clear();
    // SAFETY: the bytes below `len` are always ASCII bytes or complete UTF-8 encodings of chars,
    // and the vector is truncated to `len` before `out` is used as a string again.
    let buf = unsafe { out.as_mut_vec() };
    buf.resize(text.len() + 8, 0);
    let bytes = text.as_bytes();
    let mut len = 0usize;
    // The last byte kept (a space at the start, so leading spaces go), kept in a register: reading
    // it back from `buf` would chain every iteration through a store and a load.
    let mut last = b' ';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            let m = map[b as usize];
            let is_collapsible_space = single_spaces && m == b' ' && ASCII_CLASS[b as usize] & SPACE != 0;
            let keep = !drop_always[b as usize] & !(is_collapsible_space & (last == b' '));
            buf[len] = m;
            len += keep as usize;
            last = if keep { m } else { last };
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        i += c.len_utf8();
        if buf.len() < len + 16 {
            buf.resize(len + 16 + (bytes.len() - i), 0);
        }
        if c.is_whitespace() {
            if !single_spaces {
                len += put(&mut buf[len..], c);
                last = b'x';
            } else if last != b' ' {
                buf[len] = b' ';
                len += 1;
                last = b' ';
            }
        } else if cfg.remove_punctuation && is_punctuation(c) {
            continue;
        } else if !cfg.lowercase {
            len += put(&mut buf[len..], c);
            last = b'x';
        } else {
            last = b'x';
            for l in c.to_lowercase() {
                if buf.len() < len + 4 {
                    buf.resize(len + 16, 0);
                }
                len += put(&mut buf[len..], l);
            }
        }
    }
    if single_spaces && len > 0 && buf[len - 1] == b' ' {
        len -= 1;
    }
    buf.truncate(len);
}

/// Write the UTF-8 encoding of `c` at the start of `dst`; return its length.
#[inline(always)]
fn put(dst: &mut [u8], c: char) -> usize {
    c.encode_utf8(dst).len()
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

#[inline]
pub(super) fn push_char(buf: &mut Vec<u8>, c: char) {
    let mut tmp = [0u8; 4];
    buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
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
