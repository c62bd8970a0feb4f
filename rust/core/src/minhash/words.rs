//! The normalised words of a text, found without building the normalised text.
//!
//! One pass over the text, 64 bytes at a time. Each chunk is classified into two bit masks (SSE2
//! compares where available): ASCII whitespace, and "special" bytes (all but ASCII whitespace,
//! digits and lower-case letters, the bytes that every configuration keeps as they are). Words
//! are then found with `trailing_zeros` on those masks: a word costs a few register instructions
//! and no branch that depends on its length (word lengths are random, so a branch per byte
//! mispredicts once a word).
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
    word: Vec<u8>,
}

/// Call `f` on every normalised word of `text`, in order: exactly the words of the normalised
/// text (`normalize`) split on its spaces.
///
/// Within a chunk, word starts (non-whitespace after whitespace) and ends (whitespace after
/// non-whitespace) alternate, so the k-th start pairs with the k-th end; a word that runs into
/// the next chunk stays open (with whether it has special bytes so far) until a later chunk's
/// first end.
pub fn for_each_word(text: &str, cfg: &ShingleConfig, scratch: &mut WordScratch, mut f: impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    // The open word: its start and whether it has special bytes so far.
    let mut open: Option<(usize, bool)> = None;
    // Whether the byte before the chunk is whitespace (the start of the text counts as one).
    let mut carry = 1u64;
    let mut chunks = bytes.chunks_exact(64);
    let mut last = [b' '; 64];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    let padded = (bytes.len() % 64 != 0).then_some(&last);
    for (c, chunk) in (&mut chunks).map(|c| c.try_into().expect("64 bytes")).chain(padded).enumerate() {
        let base = 64 * c;
        let [space, special] = classify64(chunk);
        let after_space = space << 1 | carry;
        carry = space >> 63;
        let mut starts = !space & after_space;
        let mut ends = space & !after_space;
        while ends != 0 {
            let end = ends.trailing_zeros();
            ends &= ends - 1;
            let before_end = special & !(u64::MAX << end);
            let (start, has_special) = match open.take() {
                Some((start, so_far)) => (start, so_far | (before_end != 0)),
                None => {
                    let start = starts.trailing_zeros();
                    starts &= starts - 1;
                    (base + start as usize, before_end >> start != 0)
                }
            };
            emit(text, start, base + end as usize, has_special, cfg, &mut scratch.word, &mut f);
        }
        if starts != 0 {
            let start = starts.trailing_zeros();
            open = Some((base + start as usize, special >> start != 0));
        } else if let Some((_, so_far)) = &mut open {
            *so_far |= special != 0;
        }
    }
    // A word that runs to the end of a text of whole chunks.
    if let Some((start, has_special)) = open {
        emit(text, start, bytes.len(), has_special, cfg, &mut scratch.word, &mut f);
    }
}

/// Call `f` on the normalised word(s) of `text[start..end]`, a run of bytes without ASCII
/// whitespace (`special`: whether it has special bytes).
#[inline(always)]
fn emit(text: &str, start: usize, end: usize, special: bool, cfg: &ShingleConfig, buf: &mut Vec<u8>, f: &mut impl FnMut(&[u8])) {
    let w = &text.as_bytes()[start..end];
    let normalised = if !special {
        w
    } else if let Some(len) = ascii_word(w, cfg, buf) {
        &buf[..len]
    } else {
        // `start` and `end` are at ASCII whitespace or the ends of the text: char boundaries.
        return unicode_word(&text[start..end], cfg, buf, f);
    };
    if !normalised.is_empty() {
        f(normalised);
    }
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

/// `[whitespace, special]` bits of 64 bytes, 16 at a time with SSE2 (part of every x86-64 CPU).
#[cfg(target_arch = "x86_64")]
#[inline]
fn classify64(c: &[u8; 64]) -> [u64; 2] {
    use std::arch::x86_64::*;
    let (mut space, mut plain) = (0u64, 0u64);
    for (k, part) in c.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is in the x86-64 baseline; the load reads the 16 bytes of `part`. Signed
        // compares: bytes from 0x80 up are negative, so they fall in none of the ranges.
        let (s, p) = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast());
            let within = |lo: u8, hi: u8| {
                _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)))
            };
            let s = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)), within(b'\t', b'\r'));
            let p = _mm_or_si128(within(b'0', b'9'), within(b'a', b'z'));
            (_mm_movemask_epi8(s) as u16, _mm_movemask_epi8(p) as u16)
        };
        space |= (s as u64) << (16 * k);
        plain |= (p as u64) << (16 * k);
    }
    [space, !(space | plain)]
}

/// `[whitespace, special]` bits of 64 bytes, portably.
///
/// Classes are computed a byte per lane (the compiler vectorises this), then each 8 bytes of 0/1
/// flags are gathered into 8 bits by one multiply: byte `i` of `x` times byte `7 - i` of the
/// constant lands on bit `56 + i`, and no other partial products reach the top byte.
#[cfg_attr(target_arch = "x86_64", cfg(test))]
#[inline]
fn classify64_portable(c: &[u8; 64]) -> [u64; 2] {
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

#[cfg(not(target_arch = "x86_64"))]
use classify64_portable as classify64;

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
    fn classifies_every_byte() {
        let mut rnd = crate::hash::seed_stream(5);
        for round in 0..2000 {
            let chunk: [u8; 64] = std::array::from_fn(|i| if round < 4 { (64 * round + i) as u8 } else { rnd.next().unwrap() as u8 });
            let [space, special] = classify64(&chunk);
            for (i, &b) in chunk.iter().enumerate() {
                let is_space = b.is_ascii() && (b as char).is_whitespace();
                assert_eq!(space >> i & 1 == 1, is_space, "{b:#x}");
                assert_eq!(special >> i & 1 == 1, !is_space && !b.is_ascii_lowercase() && !b.is_ascii_digit(), "{b:#x}");
            }
            assert_eq!(classify64_portable(&chunk), [space, special]);
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
