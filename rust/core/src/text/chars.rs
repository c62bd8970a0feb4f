//! The two character classes text keys are built from, defined to agree with Python's `str`.
//!
//! * Whitespace is what `str.isspace()` accepts: Unicode `White_Space` plus the ASCII
//!   information separators U+001C..U+001F (which Python counts and Rust's `char::is_whitespace`
//!   does not). So `strip`, `split` and collapsing runs of spaces match Python exactly.
//! * A word character is what Python's `re` matches with `\w` on `str`: a letter or number
//!   (general category `L*` or `N*`) or `_`. Combining marks (`Mn`, `Mc`) are not word
//!   characters, as in Python, so they split words. The only possible differences from a given
//!   Python are characters whose category changed between its Unicode version and this crate's.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// ASCII bytes that are word characters: `[0-9A-Za-z_]`.
pub(crate) static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

/// ASCII bytes that are whitespace for Python: `\t \n \v \f \r`, U+001C..U+001F and space.
pub(crate) static ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = matches!(i, 0x09..=0x0D | 0x1C..=0x20);
        i += 1;
    }
    t
};

/// Whether `c` is whitespace as Python's `str.isspace()` says.
#[inline]
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        ASCII_SPACE[c as usize]
    } else {
        c.is_whitespace()
    }
}

/// Whether `c` is a word character as Python's `re` pattern `\w` says (letters, numbers, `_`).
#[inline]
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        ASCII_WORD[c as usize]
    } else {
        matches!(c.general_category_group(), GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_pythons() {
        // Every code point for which Python 3.11's str.isspace() is true.
        let python: Vec<u32> = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680]
            .into_iter()
            .chain(0x2000..=0x200A)
            .chain([0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
            .collect();
        let ours: Vec<u32> = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_space(c)).map(u32::from).collect();
        assert_eq!(ours, python);
    }

    #[test]
    fn word_characters_are_letters_numbers_and_underscore() {
        for c in ['a', 'Z', '0', '_', 'é', 'ß', 'Σ', '中', '٣', '²', 'Ⅻ', '𝔘'] {
            assert!(is_word(c), "{c:?}");
        }
        // Punctuation, symbols, spaces, emoji, and combining marks (as in Python's `\w`).
        for c in ['-', '\'', ' ', '\u{a0}', '€', '🎉', '\u{200d}', '\u{301}', '\u{93e}', '«'] {
            assert!(!is_word(c), "{c:?}");
        }
    }
}
