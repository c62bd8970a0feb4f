//! Words of a text, with their code-point spans, in one pass over its bytes.
//!
//! * `normalize`: a word is a maximal run of word characters ([`is_word`], Python's `\w`),
//!   lower-cased on its own as Python's `word.lower()` does (full case mapping, final sigma
//!   included). Offsets are those of the original text, whatever lower-casing does to lengths.
//! * otherwise: a word is a maximal run of non-whitespace ([`is_space`]), as Python's
//!   `str.split()` gives it, unchanged.

use super::chars::{is_space, is_word, ASCII_SPACE, ASCII_WORD};

/// Byte classes: `WORD` (an ASCII word character), `UPPER` (one that lower-casing changes) and
/// `MULTI` (the first byte of a non-ASCII character, classified once decoded); 0 ends a word.
const WORD: u8 = 1;
const UPPER: u8 = 2;
const MULTI: u8 = 4;

const fn classes(normalize: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x80 {
            MULTI
        } else if normalize {
            if !ASCII_WORD[b] {
                0
            } else if (b as u8).is_ascii_uppercase() {
                WORD | UPPER
            } else {
                WORD
            }
        } else if ASCII_SPACE[b] {
            0
        } else {
            WORD
        };
        b += 1;
    }
    t
}

static NORMALIZED: [u8; 256] = classes(true);
static PLAIN: [u8; 256] = classes(false);

/// Call `f(word, start, end)` on every word of `text`, in order; `start..end` is the word's span
/// in code points (Python `str` indices). `buf` holds a word while it is lower-cased.
pub fn for_each_word(text: &str, normalize: bool, buf: &mut String, mut f: impl FnMut(&[u8], usize, usize)) {
    let class = if normalize { &NORMALIZED } else { &PLAIN };
    let in_word = |c: char| if normalize { is_word(c) } else { !is_space(c) };
    let bytes = text.as_bytes();
    let n = bytes.len();
    // Code point index = byte index - `extra`, the continuation bytes seen so far.
    let mut extra = 0usize;
    let mut i = 0usize;
    while i < n {
        let c = class[bytes[i] as usize];
        if c == 0 {
            i += 1;
            continue;
        }
        if c == MULTI {
            let ch = char_at(text, i);
            if !in_word(ch) {
                i += ch.len_utf8();
                extra += ch.len_utf8() - 1;
                continue;
            }
        }
        let (start, start_cp) = (i, i - extra);
        let mut seen = 0u8;
        while i < n {
            let c = class[bytes[i] as usize];
            if c & WORD != 0 {
                seen |= c;
                i += 1;
                continue;
            }
            if c == 0 {
                break;
            }
            let ch = char_at(text, i);
            if !in_word(ch) {
                break; // the outer loop steps over it
            }
            seen |= MULTI;
            i += ch.len_utf8();
            extra += ch.len_utf8() - 1;
        }
        let end_cp = i - extra;
        let word = &text[start..i];
        if normalize && seen & (UPPER | MULTI) != 0 {
            lower_into(word, buf);
            f(buf.as_bytes(), start_cp, end_cp);
        } else {
            f(word.as_bytes(), start_cp, end_cp);
        }
    }
}

/// The character starting at byte `i` (a character boundary below `text.len()`).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or_default()
}

/// `word` lower-cased into `buf` as Python's `str.lower()` does. Only capital sigma depends on its
/// neighbours (final or not); words holding one take the standard library's context-aware path.
fn lower_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.contains('Σ') {
        buf.push_str(&word.to_lowercase());
        return;
    }
    for c in word.chars() {
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, normalize: bool) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for_each_word(text, normalize, &mut String::new(), |w, s, e| {
            out.push((String::from_utf8(w.to_vec()).unwrap(), s, e))
        });
        out
    }

    fn owned(items: &[(&str, usize, usize)]) -> Vec<(String, usize, usize)> {
        items.iter().map(|&(w, s, e)| (w.to_owned(), s, e)).collect()
    }

    #[test]
    fn normalized_words_are_lower_cased_runs_of_word_characters() {
        assert_eq!(words("Hello, WORLD_1 don't!", true), owned(&[("hello", 0, 5), ("world_1", 7, 14), ("don", 15, 18), ("t", 19, 20)]));
        // Offsets count code points: the emoji and the astral letters are one each.
        assert_eq!(words("🎉 Ünï 𝔘𝔫 x", true), owned(&[("ünï", 2, 5), ("𝔘𝔫", 6, 8), ("x", 9, 10)]));
        // Lower-casing may lengthen a word; offsets stay those of the text.
        assert_eq!(words("İSTANBUL ok", true), owned(&[("i\u{307}stanbul", 0, 8), ("ok", 9, 11)]));
        // Final sigma, as Python's lower().
        assert_eq!(words("ΟΔΟΣ ΣΑΣ", true), owned(&[("οδος", 0, 4), ("σας", 5, 8)]));
        // A combining mark splits words, as Python's `\w` does.
        assert_eq!(words("cafe\u{301}s", true), owned(&[("cafe", 0, 4), ("s", 5, 6)]));
    }

    #[test]
    fn plain_words_are_whitespace_split_tokens() {
        assert_eq!(words(" A,b\u{a0}C\u{1c}d\r\n😀 ", false), owned(&[("A,b", 1, 4), ("C", 5, 6), ("d", 7, 8), ("😀", 10, 11)]));
        assert!(words("", false).is_empty());
        assert!(words(" \t\u{3000}", true).is_empty());
    }
}
