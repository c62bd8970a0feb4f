//! Words of a text, with their code-point spans, in one pass over its bytes.
//!
//! * `normalize`: a word is a maximal run of word characters ([`is_word`], Python's `\w`),
//!   lower-cased on its own as Python's `word.lower()` does (full case mapping, final sigma
//!   included). Offsets are those of the original text, whatever lower-casing does to lengths.
//! * otherwise: a word is a maximal run of non-whitespace ([`is_space`]), as Python's
//!   `str.split()` gives it, unchanged.
//!
//! ASCII text (most of a web corpus) takes a path without a branch per byte: word boundaries
//! come from 64-byte bitmasks, one loop turn per word. Other text is scanned character by character.

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
pub fn for_each_word(text: &str, normalize: bool, buf: &mut String, f: impl FnMut(&[u8], usize, usize)) {
    match (text.is_ascii(), normalize) {
        (true, true) => ascii_words::<true>(text.as_bytes(), buf, f),
        (true, false) => ascii_words::<false>(text.as_bytes(), buf, f),
        (false, _) => any_words(text, normalize, buf, f),
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (eight ASCII bytes) set when that byte is in `lo..=hi`. No
/// byte sum below carries into the next byte, because ASCII bytes are below 0x80.
#[inline(always)]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x.wrapping_add(ONES * (0x80 - lo as u64));
    let above_hi = x.wrapping_add(ONES * (0x7F - hi as u64));
    at_least_lo & !above_hi & HIGH
}

/// The high bits of the eight bytes of `x` as the eight low bits (byte `i` to bit `i`).
#[inline(always)]
fn gather(x: u64) -> u64 {
    x.wrapping_mul(0x0002_0408_1020_4081) >> 56
}

/// Bit `j` set in the first mask: byte `j` of `block` (ASCII, at most 64 bytes) is in a word; in
/// the second: it is an upper-case letter. Eight bytes at a time in a register (SWAR); agrees
/// with [`ASCII_WORD`] and [`ASCII_SPACE`].
#[inline(always)]
fn masks<const NORMALIZE: bool>(block: &[u8]) -> (u64, u64) {
    let mut padded = [0u8; 64];
    padded[..block.len()].copy_from_slice(block);
    let (mut word, mut upper) = (0u64, 0u64);
    for (k, eight) in padded.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        let w = if NORMALIZE {
            in_range(x, b'0', b'9') | in_range(x | 0x2020_2020_2020_2020, b'a', b'z') | in_range(x, b'_', b'_')
        } else {
            !(in_range(x, b' ', b' ') | in_range(x, b'\t', b'\r') | in_range(x, 0x1C, 0x1F)) & HIGH
        };
        word |= gather(w) << (8 * k);
        upper |= gather(in_range(x, b'A', b'Z')) << (8 * k);
    }
    let valid = low_bits(block.len() as u32);
    (word & valid, upper & valid)
}

/// The `k` lowest bits.
#[inline(always)]
fn low_bits(k: u32) -> u64 {
    if k >= 64 {
        u64::MAX
    } else {
        (1 << k) - 1
    }
}

/// [`for_each_word`] of ASCII text: code points are bytes.
fn ascii_words<const NORMALIZE: bool>(bytes: &[u8], buf: &mut String, mut f: impl FnMut(&[u8], usize, usize)) {
    let mut emit = |start: usize, end: usize, upper: bool| {
        let word = &bytes[start..end];
        if NORMALIZE && upper {
            buf.clear();
            buf.extend(word.iter().map(|b| b.to_ascii_lowercase() as char));
            f(buf.as_bytes(), start, end);
        } else {
            f(word, start, end);
        }
    };
    // The word open at the end of the previous block: its start and whether it had upper case.
    let (mut open, mut start, mut upper_before) = (false, 0usize, false);
    for (k, block) in bytes.chunks(64).enumerate() {
        let base = k * 64;
        let (word, upper) = masks::<NORMALIZE>(block);
        let before = (word << 1) | open as u64; // bit j: byte j - 1 is in a word
        let starts = word & !before;
        let mut events = starts | (!word & before); // word starts, and first bytes after words
        let mut from = 0; // where the open word's bytes begin in this block
        while events != 0 {
            let j = events.trailing_zeros();
            events &= events - 1;
            if starts >> j & 1 == 1 {
                (open, start, upper_before, from) = (true, base + j as usize, false, j);
            } else {
                emit(start, base + j as usize, upper_before || (upper >> from) & low_bits(j - from) != 0);
                open = false;
            }
        }
        if open {
            upper_before |= upper >> from != 0;
        }
    }
    if open {
        emit(start, bytes.len(), upper_before);
    }
}

/// [`for_each_word`] of any text, character by character past ASCII.
fn any_words(text: &str, normalize: bool, buf: &mut String, mut f: impl FnMut(&[u8], usize, usize)) {
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
    fn ascii_fast_path_equals_the_general_scan() {
        for b in 0u8..128 {
            let (w, _) = masks::<true>(&[b]);
            let (p, _) = masks::<false>(&[b]);
            assert_eq!((w == 1, p == 0), (ASCII_WORD[b as usize], ASCII_SPACE[b as usize]), "byte {b}");
        }
        // Pseudo-random ASCII texts over word, space, punctuation and upper-case bytes, of
        // lengths around the 64-byte blocks.
        let alphabet = b"aZ9_ \t\n\r\x1c.,'-QxyZZb";
        let mut state = 7u64;
        for len in (0..200).chain([255, 256, 257, 640]) {
            for _ in 0..20 {
                let text: String = (0..len)
                    .map(|_| {
                        state = crate::hash::mix64(state.wrapping_add(1));
                        alphabet[(state % alphabet.len() as u64) as usize] as char
                    })
                    .collect();
                for normalize in [true, false] {
                    let mut fast = Vec::new();
                    let mut general = Vec::new();
                    if normalize {
                        ascii_words::<true>(text.as_bytes(), &mut String::new(), |w, s, e| fast.push((w.to_vec(), s, e)));
                    } else {
                        ascii_words::<false>(text.as_bytes(), &mut String::new(), |w, s, e| fast.push((w.to_vec(), s, e)));
                    }
                    any_words(&text, normalize, &mut String::new(), |w, s, e| general.push((w.to_vec(), s, e)));
                    assert_eq!(fast, general, "{text:?} {normalize}");
                }
            }
        }
    }

    #[test]
    fn plain_words_are_whitespace_split_tokens() {
        assert_eq!(words(" A,b\u{a0}C\u{1c}d\r\n😀 ", false), owned(&[("A,b", 1, 4), ("C", 5, 6), ("d", 7, 8), ("😀", 10, 11)]));
        assert!(words("", false).is_empty());
        assert!(words(" \t\u{3000}", true).is_empty());
    }
}
