//! The character classes of GPT-2's pre-tokenizer pattern: `\p{L}`, `\p{N}`, `\s` and the rest,
//! as Oniguruma inside Hugging Face `tokenizers` defines them (tables in `unicode_tables.rs`).

use super::unicode_tables::RANGES;

/// Which branch of the pattern a character can start or continue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks, controls, unassigned.
    Other,
    /// `\p{L}`.
    Letter,
    /// `\p{N}`.
    Number,
    /// `\s` (the White_Space property).
    Space,
}

const fn ascii_class(b: u8) -> Class {
    match b {
        b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => Class::Space,
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Number,
        _ => Class::Other,
    }
}

static ASCII: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = ascii_class(b as u8);
        b += 1;
    }
    table
};

/// The class of `c`: a table for ASCII, a binary search of the ranges otherwise.
#[inline]
pub(crate) fn class(c: char) -> Class {
    let cp = c as u32;
    if cp < 128 {
        return ASCII[cp as usize];
    }
    match RANGES.binary_search_by(|&(first, last, _)| {
        if last < cp {
            std::cmp::Ordering::Less
        } else if first > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => RANGES[i].2,
        Err(_) => Class::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_table_agrees_with_the_ranges() {
        for b in 0u8..128 {
            let cp = b as u32;
            let ranged = RANGES.iter().find(|r| r.0 <= cp && cp <= r.1).map_or(Class::Other, |r| r.2);
            assert_eq!(ASCII[b as usize], ranged, "byte {b:#x}");
        }
    }

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        assert!(RANGES.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(RANGES.iter().all(|r| r.0 <= r.1));
    }

    #[test]
    fn examples() {
        assert_eq!(class('é'), Class::Letter);
        assert_eq!(class('中'), Class::Letter);
        assert_eq!(class('٣'), Class::Number); // Arabic-Indic digit
        assert_eq!(class('½'), Class::Number); // No
        assert_eq!(class('\u{00A0}'), Class::Space);
        assert_eq!(class('\u{3000}'), Class::Space);
        assert_eq!(class('\u{2028}'), Class::Space);
        assert_eq!(class('\u{0085}'), Class::Space);
        assert_eq!(class('\u{001C}'), Class::Other); // Python's isspace says yes, White_Space no
        assert_eq!(class('\u{200B}'), Class::Other); // zero width space is not White_Space
        assert_eq!(class('\u{0301}'), Class::Other); // combining mark
        assert_eq!(class('😀'), Class::Other);
        assert_eq!(class('\u{105C0}'), Class::Letter); // Todhri, new in Unicode 16.0
        assert_eq!(class('\u{10FFFF}'), Class::Other);
    }
}
