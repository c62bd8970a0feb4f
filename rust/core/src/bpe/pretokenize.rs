//! GPT-2's pre-tokenizer pattern, executed by hand:
//!
//! ```text
//! 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//! ```
//!
//! Every character matches some branch, so the matches tile the text and a scanner that picks,
//! at each position, the branch Oniguruma's ordered alternation would pick gives the same
//! pieces. The only backtracking is in `\s+(?!\S)`: a run of white space followed by a non-space
//! gives up its last character, which then starts the next piece (as the optional space of a
//! word, or alone).

use super::classes::{class, Class};

/// The pieces of `text`, in order; they concatenate to `text`.
pub(crate) fn pre_tokens(text: &str) -> PreTokens<'_> {
    PreTokens { text, pos: 0 }
}

/// Iterator of [`pre_tokens`].
pub(crate) struct PreTokens<'a> {
    text: &'a str,
    pos: usize,
}

/// The character at byte `at` of `s` and its class, if any.
#[inline]
fn char_at(s: &str, at: usize) -> Option<(char, Class)> {
    s[at..].chars().next().map(|c| (c, class(c)))
}

/// The end of the run of characters of class `k` that starts at byte `at`.
#[inline]
fn run_end(s: &str, at: usize, k: Class) -> usize {
    let bytes = s.as_bytes();
    let mut end = at;
    // ASCII inner loop: most runs are ASCII letters, digits or punctuation.
    while end < bytes.len() && bytes[end] < 128 {
        if class(bytes[end] as char) != k {
            return end;
        }
        end += 1;
    }
    for c in s[end..].chars() {
        if class(c) != k {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// The length of a contraction (`'s 't 're 've 'm 'll 'd`) at the start of `rest`, or 0.
#[inline]
fn contraction(rest: &[u8]) -> usize {
    match rest {
        [b'\'', b's' | b't' | b'm' | b'd', ..] => 2,
        [b'\'', b'r', b'e', ..] | [b'\'', b'v', b'e', ..] | [b'\'', b'l', b'l', ..] => 3,
        _ => 0,
    }
}

impl<'a> PreTokens<'a> {
    /// The end of the piece that starts at `start` (not at the end of the text).
    fn piece_end(&self, start: usize) -> usize {
        let s = self.text;
        let n = contraction(&s.as_bytes()[start..]);
        if n > 0 {
            return start + n;
        }
        let (c, k) = char_at(s, start).expect("start is inside the text");
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional ASCII space, then a run.
        let (body, k) = if c == ' ' {
            match char_at(s, start + 1) {
                Some((_, next)) if next != Class::Space => (start + 1, next),
                _ => (start, Class::Space),
            }
        } else {
            (start, k)
        };
        if k != Class::Space {
            return run_end(s, body, k);
        }
        // `\s+(?!\S)`, else `\s+`.
        let end = run_end(s, start, Class::Space);
        if end == s.len() {
            return end;
        }
        let last = s[start..end].chars().next_back().expect("a non-empty run").len_utf8();
        if end - last > start {
            end - last
        } else {
            end
        }
    }
}

impl<'a> Iterator for PreTokens<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        self.pos = self.piece_end(start);
        Some(&self.text[start..self.pos])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        pre_tokens(s).collect()
    }

    #[test]
    fn contractions_come_first_and_are_case_sensitive() {
        assert_eq!(split("it's"), ["it", "'s"]);
        assert_eq!(split("we're they've I'm we'll he'd don't"),
                   ["we", "'re", " they", "'ve", " I", "'m", " we", "'ll", " he", "'d", " don", "'t"]);
        assert_eq!(split("IT'S"), ["IT", "'", "S"]);
        assert_eq!(split("'sa"), ["'s", "a"]);
        assert_eq!(split("'x"), ["'", "x"]);
    }

    #[test]
    fn punctuation_runs_swallow_apostrophes() {
        assert_eq!(split("!'s"), ["!'", "s"]);
        assert_eq!(split("a ''re"), ["a", " ''", "re"]);
    }

    #[test]
    fn optional_space_belongs_to_the_next_run() {
        assert_eq!(split("a b 12 !? é"), ["a", " b", " 12", " !?", " é"]);
        assert_eq!(split("abc123def"), ["abc", "123", "def"]);
    }

    #[test]
    fn white_space_runs_leave_their_last_character() {
        assert_eq!(split("a  b"), ["a", " ", " b"]);
        assert_eq!(split("a   b"), ["a", "  ", " b"]);
        assert_eq!(split("a\t\tb"), ["a", "\t", "\t", "b"]);
        assert_eq!(split("a \tb"), ["a", " ", "\t", "b"]);
        assert_eq!(split("a\t b"), ["a", "\t", " b"]);
        assert_eq!(split("a\n\n"), ["a", "\n\n"]);
        assert_eq!(split("a "), ["a", " "]);
        assert_eq!(split("   "), ["   "]);
        assert_eq!(split("x\u{3000}\u{3000}y"), ["x", "\u{3000}", "\u{3000}", "y"]);
    }

    #[test]
    fn non_ascii_classes() {
        assert_eq!(split("naïve 東京 ٣٤ 😀😀"), ["naïve", " 東京", " ٣٤", " 😀😀"]);
        assert_eq!(split("e\u{301}x"), ["e", "\u{301}", "x"]); // a combining mark is not a letter
    }

    #[test]
    fn pieces_tile_the_text() {
        let text = "Hello,  world!\t\n 'tis 3.14\u{a0}x  ";
        assert_eq!(split(text).concat(), text);
    }
}
