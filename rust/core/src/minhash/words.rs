//! The normalised words of a text, found without building the normalised text.
//!
//! Two passes over the bytes. The first classifies each 64-byte chunk into two bit masks: ASCII
//! whitespace, and "special" bytes (all but ASCII whitespace, digits and lower-case letters, the
//! bytes that every configuration keeps as they are). The second walks the words with
//! `trailing_zeros` on those masks: finding a word costs a few instructions and no branch that
//! depends on its length (word lengths are random, so a branch per byte mispredicts once a word).
//!
//! A word without special bytes is passed as a slice of the text. A word whose special bytes are
//! all ASCII (a capital, a trailing comma) is lower-cased and stripped of punctuation by table.
//! Only a word with non-ASCII bytes is normalised character by character: it may split on Unicode
//! whitespace, or vanish when it is all punctuation. Normalisation is per character, so word by
//! word it gives the same words as `normalize` on the whole text.

use super::shingle::{is_punctuation, push_char, ShingleConfig, ASCII_CLASS, PUNCT};

/// Reusable buffers of [`for_each_word`], one per worker thread.
#[derive(Default)]
pub struct WordScratch {
    /// Per 64-byte chunk, `[whitespace, special]` bits (bit `i` is byte `i` of the chunk; the last
    /// chunk padded with spaces), then a chunk of whitespace, so that 64 bits from any byte of the
    /// text can be read.
    masks: Vec<[u64; 2]>,
    word: Vec<u8>,
}

const WHITESPACE: usize = 0;
const SPECIAL: usize = 1;

/// Call `f` on every normalised word of `text`, in order: exactly the words of the normalised
/// text (`normalize`) split on its spaces.
///
/// Within a chunk, word starts (non-whitespace after whitespace) and ends (whitespace after
/// non-whitespace) alternate, so the k-th start pairs with the k-th end; a word that runs into
/// the next chunk stays open until that chunk's first end. Each step clears the lowest bit of a
/// register: no chain of loads from one word to the next.
pub fn for_each_word(text: &str, cfg: &ShingleConfig, scratch: &mut WordScratch, mut f: impl FnMut(&[u8])) {
    let WordScratch { masks, word } = scratch;
    let bytes = text.as_bytes();
    classify(bytes, masks);
    // The start of a word that runs into the next chunk.
    let mut open = None;
    // Whether the byte before the chunk is whitespace (the start of the text counts as one). The
    // padding chunk is all whitespace: it ends a word that runs to the end of the text.
    let mut carry = 1u64;
    for (c, m) in masks.iter().enumerate() {
        let base = 64 * c;
        let space = m[WHITESPACE];
        let after_space = space << 1 | carry;
        carry = space >> 63;
        let mut starts = !space & after_space;
        let mut ends = space & !after_space;
        while ends != 0 {
            let start = match open.take() {
                Some(start) => start,
                None => {
                    let start = base + starts.trailing_zeros() as usize;
                    starts &= starts - 1;
                    start
                }
            };
            let end = base + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            let w = &bytes[start..end];
            let normalised = if !has_special(masks, start, end) {
                w
            } else if let Some(len) = ascii_word(w, cfg, word) {
                &word[..len]
            } else {
                // `start` and `end` are at ASCII whitespace or the ends of the text: char boundaries.
                unicode_word(&text[start..end], cfg, word, &mut f);
                continue;
            };
            if !normalised.is_empty() {
                f(normalised);
            }
        }
        if starts != 0 {
            open = Some(base + starts.trailing_zeros() as usize);
        }
    }
}

/// Whether `start..end` (inside the text, not empty) has special bytes.
#[inline(always)]
fn has_special(masks: &[[u64; 2]], start: usize, end: usize) -> bool {
    let len = end - start;
    if len > 64 {
        return long_has_special(masks, start, end);
    }
    let (w, s) = (start / 64, start % 64);
    let bits = ((masks[w + 1][SPECIAL] as u128) << 64 | masks[w][SPECIAL] as u128) >> s;
    bits as u64 & (u64::MAX >> (64 - len)) != 0
}

#[cold]
fn long_has_special(masks: &[[u64; 2]], start: usize, end: usize) -> bool {
    (start..end).step_by(64).any(|p| has_special(masks, p, end.min(p + 64)))
}

/// Normalise an ASCII word into the start of `out`; its length, or `None` if `w` has non-ASCII
/// bytes.
///
/// Branch-free per byte: every byte is written, and the output advances only past kept ones.
#[inline]
fn ascii_word(w: &[u8], cfg: &ShingleConfig, out: &mut Vec<u8>) -> Option<usize> {
    if out.len() < w.len() {
        out.resize(w.len(), 0);
    }
    let mut len = 0;
    let mut high = 0u8;
    for &b in w {
        high |= b;
        let punct = ASCII_CLASS[(b & 0x7F) as usize] & PUNCT != 0;
        out[len] = if cfg.lowercase { b.to_ascii_lowercase() } else { b };
        len += !(cfg.remove_punctuation & punct) as usize;
    }
    (high < 0x80).then_some(len)
}

/// Normalise a word with non-ASCII characters char by char; call `f` on each word it yields.
#[cold]
fn unicode_word(w: &str, cfg: &ShingleConfig, buf: &mut Vec<u8>, f: &mut impl FnMut(&[u8])) {
    buf.clear();
    for c in w.chars() {
        if c.is_whitespace() {
            if !buf.is_empty() {
                f(buf);
                buf.clear();
            }
        } else if cfg.remove_punctuation && is_punctuation(c) {
            continue;
        } else if !cfg.lowercase {
            push_char(buf, c);
        } else if c.is_ascii() {
            buf.push(c.to_ascii_lowercase() as u8);
        } else {
            for l in c.to_lowercase() {
                push_char(buf, l);
            }
        }
    }
    if !buf.is_empty() {
        f(buf);
    }
}

/// Fill `masks` for `bytes` (see [`WordScratch`]).
fn classify(bytes: &[u8], masks: &mut Vec<[u64; 2]>) {
    masks.clear();
    let mut chunks = bytes.chunks_exact(64);
    masks.extend((&mut chunks).map(|c| classify64(c.try_into().expect("64-byte chunk"))));
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [b' '; 64];
        last[..rest.len()].copy_from_slice(rest);
        masks.push(classify64(&last));
    }
    masks.push([u64::MAX, 0]);
}

/// `[whitespace, special]` bits of 64 bytes.
///
/// Classes are computed a byte per lane (the compiler vectorises this), then each 8 bytes of 0/1
/// flags are gathered into 8 bits by one multiply: byte `i` of `x` times byte `7 - i` of the
/// constant lands on bit `56 + i`, and no other partial products reach the top byte.
#[inline]
fn classify64(c: &[u8; 64]) -> [u64; 2] {
    let mut space = [0u8; 64];
    let mut plain = [0u8; 64];
    for i in 0..64 {
        let b = c[i];
        space[i] = matches!(b, b'\t'..=b'\r' | b' ') as u8;
        plain[i] = (b.is_ascii_lowercase() | b.is_ascii_digit()) as u8;
    }
    let gather = |flags: &[u8; 64]| {
        flags.chunks_exact(8).enumerate().fold(0u64, |acc, (k, f)| {
            let x = u64::from_le_bytes(f.try_into().expect("8 bytes"));
            acc | (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k)
        })
    };
    let space = gather(&space);
    [space, !(space | gather(&plain))]
}

#[cfg(test)]
mod tests {
    use super::super::shingle::{normalize, ShingleMode};
    use super::*;

    fn words_fused(text: &str, cfg: &ShingleConfig) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, cfg, &mut WordScratch::default(), |w| out.push(String::from_utf8(w.to_vec()).unwrap()));
        out
    }

    fn words_reference(text: &str, cfg: &ShingleConfig) -> Vec<String> {
        let mut norm = String::new();
        normalize(text, cfg, &mut norm);
        norm.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }

    /// Every combination of the switches.
    fn configs() -> Vec<ShingleConfig> {
        let mut out = Vec::new();
        for lowercase in [true, false] {
            for remove_punctuation in [true, false] {
                for collapse_whitespace in [true, false] {
                    out.push(ShingleConfig { lowercase, remove_punctuation, collapse_whitespace, ngram: 2, mode: ShingleMode::Word });
                }
            }
        }
        out
    }

    fn check(text: &str, cfgs: &[ShingleConfig]) {
        for c in cfgs {
            assert_eq!(words_fused(text, c), words_reference(text, c), "{text:?} {c:?}");
        }
    }

    #[test]
    fn fused_words_equal_the_words_of_the_normalised_text() {
        let cfgs = configs();
        for t in [
            "",
            "   ",
            "Hello,  WORLD! «How» are you?",
            " - a -- b\u{a0}c\u{2003}D\u{3000}e \u{1f600} ÇA»va İstanbul ΣΑΣ don't",
            "\t\nx\r\u{b}y\u{c}z — ,;: end.",
            "ǅemal ß ﬁ 'quoted' (paren) [x]{y}<z>$5+3=8^2|~`",
        ] {
            check(t, &cfgs);
        }
        // Every char up to U+3100 (and some beyond), alone and between words.
        let default = [ShingleConfig { ngram: 2, ..Default::default() }];
        for u in (0u32..0x3100).chain(0xFE00..0xFF70).chain(0x1F300..0x1F320) {
            if let Some(ch) = char::from_u32(u) {
                for t in [format!("{ch}"), format!("ab{ch}Cd e"), format!("x {ch} y")] {
                    check(&t, &default);
                }
            }
        }
    }

    #[test]
    fn every_ascii_byte_in_every_position_of_a_word() {
        let cfgs = configs();
        for b in 0u8..0x80 {
            let ch = b as char;
            for pos in 0..5 {
                let mut w: Vec<char> = "abcd".chars().collect();
                w.insert(pos, ch);
                let w: String = w.into_iter().collect();
                check(&format!("{w} Zz {w}. x{w}é"), &cfgs);
            }
            check(&format!("{ch}{ch} {ch}"), &cfgs);
        }
    }

    #[test]
    fn words_across_chunk_boundaries_and_long_words() {
        let cfgs = configs();
        for lead in 0..70 {
            for len in [1, 2, 5, 62, 63, 64, 65, 127, 128, 129, 200] {
                let pad = " ".repeat(lead);
                let plain: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
                check(&format!("{pad}{plain} b"), &cfgs);
                check(&format!("{pad}{plain}"), &cfgs);
                // One special byte at the start, middle or end of the word.
                for at in [0, len / 2, len - 1] {
                    for special in ["A", ",", "é", "\u{a0}", "—"] {
                        let mut w = plain.clone();
                        w.replace_range(at..at + 1, special);
                        check(&format!("{pad}{w} c{pad}{w}"), &cfgs);
                    }
                }
            }
        }
    }

    #[test]
    fn random_texts_agree() {
        // Every ASCII byte, plus multi-byte letters, spaces and punctuation, at random.
        let alphabet: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain("ÉéßİΣ€—«»\u{a0}\u{2003}\u{3000}\u{85}ǅﬁ😀".chars())
            .chain("  aeiou".chars())
            .collect();
        let cfgs = configs();
        let mut rnd = crate::hash::seed_stream(11);
        for _ in 0..3000 {
            let len = rnd.next().unwrap() as usize % 300;
            let text: String = (0..len).map(|_| alphabet[rnd.next().unwrap() as usize % alphabet.len()]).collect();
            check(&text, &cfgs);
        }
    }
}
