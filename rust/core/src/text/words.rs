//! Words of a text, with their code-point spans, in one pass over its bytes.
//!
//! * `normalize`: a word is a maximal run of word characters ([`is_word`], Python's `\w`),
//!   lower-cased on its own as Python's `word.lower()` does (full case mapping, final sigma
//!   included). Offsets are those of the original text, whatever lower-casing does to lengths.
//! * otherwise: a word is a maximal run of non-whitespace ([`is_space`]), as Python's
//!   `str.split()` gives it, unchanged.

use super::chars::{is_space, is_word, ASCII_SPACE, ASCII_WORD};

/// Call `f(word, start, end)` on every word of `text`, in order; `start..end` is the word's span
/// in code points (Python `str` indices). `buf` holds a word while it is lower-cased.
pub fn for_each_word(text: &str, normalize: bool, buf: &mut String, mut f: impl FnMut(&[u8], usize, usize)) {
    let mut inside = [false; 128];
    for (b, slot) in inside.iter_mut().enumerate() {
        *slot = if normalize { ASCII_WORD[b] } else { !ASCII_SPACE[b] };
    }
    let in_word = |c: char| if normalize { is_word(c) } else { !is_space(c) };
    let bytes = text.as_bytes();
    let n = bytes.len();
    // Code point index = byte index - `extra`, the continuation bytes seen so far.
    let mut extra = 0usize;
    let mut i = 0usize;
    while i < n {
        // Skip to the next word.
        let b = bytes[i];
        if b < 0x80 {
            if !inside[b as usize] {
                i += 1;
                continue;
            }
        } else {
            let Some(c) = text[i..].chars().next() else { break };
            if !in_word(c) {
                i += c.len_utf8();
                extra += c.len_utf8() - 1;
                continue;
            }
        }
        let (start, start_cp) = (i, i - extra);
        let mut ascii_upper = false;
        let mut non_ascii = false;
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                if !inside[b as usize] {
                    break;
                }
                ascii_upper |= b.is_ascii_uppercase();
                i += 1;
            } else {
                let Some(c) = text[i..].chars().next() else { break };
                if !in_word(c) {
                    break;
                }
                non_ascii = true;
                i += c.len_utf8();
                extra += c.len_utf8() - 1;
            }
        }
        let word = &text[start..i];
        if normalize && (ascii_upper || non_ascii) {
            lower_into(word, buf);
            f(buf.as_bytes(), start_cp, i - extra);
        } else {
            f(word.as_bytes(), start_cp, i - extra);
        }
    }
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
