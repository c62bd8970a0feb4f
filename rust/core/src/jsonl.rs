//! JSONL in and out without a Python object per line: the `id` and `text` of Dolma documents
//! scanned into packed string columns ([`scan_documents`]), and attribute sidecar lines written
//! from span arrays ([`attribute_lines`]).
//!
//! This is the fast path of reading documents for stages that need only those two fields (the
//! exact and n-gram modes of dedupe): no Python object per document. Each line is checked the way
//! the Python reader checks it (`dolma_tools.documents.Document` decoded by msgspec): one JSON
//! object, `id` and `text` strings, `source` a string when present, `added` and `created` strings
//! or null, `metadata` an object (with finite numbers) or null, other keys ignored.
//!
//! Python stays the arbiter. A line this scanner does not accept is only *reported* (its index);
//! the caller decodes that line with the Python reader, which either raises the precise error
//! (file, line, reason), counts it as skipped, or accepts it after all (a repeated key, invalid
//! UTF-8 inside an ignored value, nesting deeper than 128: msgspec takes those), in which case the
//! caller reads that block the slow way. So the scanner may refuse more than msgspec does, never
//! less: every line it accepts, msgspec accepts with the same `id` and `text`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{invalid, Error};

/// Strings packed in one UTF-8 buffer: string `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringColumn {
    data: Vec<u8>,
    offsets: Vec<usize>,
}

impl Default for StringColumn {
    fn default() -> Self {
        Self { data: Vec::new(), offsets: vec![0] }
    }
}

impl StringColumn {
    /// A column of `strings`, in order.
    pub fn from_strs<S: AsRef<str>>(strings: &[S]) -> Self {
        let mut column = Self::default();
        for s in strings {
            column.push(s.as_ref());
        }
        column
    }

    /// A column over `data` cut at `offsets` (`n + 1` non-decreasing offsets from 0 to
    /// `data.len()`), checked: every string must be valid UTF-8.
    pub fn from_parts(data: Vec<u8>, offsets: Vec<usize>) -> Result<Self, Error> {
        if offsets.first() != Some(&0) || offsets.last() != Some(&data.len()) {
            return Err(invalid(format!("offsets must run from 0 to {} (the data length)", data.len())));
        }
        for (i, pair) in offsets.windows(2).enumerate() {
            if pair[0] > pair[1] {
                return Err(invalid(format!("offsets decrease at {i}")));
            }
            if std::str::from_utf8(&data[pair[0]..pair[1]]).is_err() {
                return Err(invalid(format!("string {i} is not valid UTF-8")));
            }
        }
        Ok(Self { data, offsets })
    }

    /// Columns one after the other.
    pub fn concat(columns: &[&StringColumn]) -> Self {
        let mut out = Self::default();
        for column in columns {
            let base = out.data.len();
            out.data.extend_from_slice(&column.data);
            out.offsets.extend(column.offsets[1..].iter().map(|o| o + base));
        }
        out
    }

    pub fn push(&mut self, s: &str) {
        self.data.extend_from_slice(s.as_bytes());
        self.offsets.push(self.data.len());
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `i`.
    pub fn get(&self, i: usize) -> &str {
        let bytes = &self.data[self.offsets[i]..self.offsets[i + 1]];
        // SAFETY: every string was pushed as a `&str` or checked by `from_parts`.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Every string, borrowed.
    pub fn strs(&self) -> Vec<&str> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }

    /// The length of each string in UTF-8 bytes.
    pub fn byte_lengths(&self) -> Vec<i64> {
        self.offsets.windows(2).map(|w| (w[1] - w[0]) as i64).collect()
    }

    /// The words of each string: maximal runs of bytes above 0x20, so ASCII spaces and control
    /// characters separate words and every other character (no-break spaces included) does not.
    pub fn word_counts(&self) -> Vec<i64> {
        self.offsets
            .windows(2)
            .map(|w| {
                let bytes = &self.data[w[0]..w[1]];
                let Some(&first) = bytes.first() else { return 0 };
                // A word starts at a non-blank byte that opens the string or follows a blank one.
                (word_starts_after(&bytes[..bytes.len() - 1], &bytes[1..]) + usize::from(first > 0x20)) as i64
            })
            .collect()
    }

    /// The length of each string in code points (Python's `len`).
    pub fn char_lengths(&self) -> Vec<i64> {
        self.offsets
            .windows(2)
            .map(|w| {
                let bytes = &self.data[w[0]..w[1]];
                // Every byte but UTF-8 continuation bytes starts a code point.
                (if bytes.is_ascii() { bytes.len() } else { bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() }) as i64
            })
            .collect()
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// Drop the last string (a line whose later fields turned out invalid).
    fn truncate_to(&mut self, len: usize) {
        self.offsets.truncate(len + 1);
        self.data.truncate(self.offsets[len]);
    }
}

/// How many `i` have `before[i]` blank (<= 0x20) and `after[i]` not: summed in runs of 255 with
/// byte counters, which the compiler turns into vector code (a word-sized sum per byte does not).
fn word_starts_after(before: &[u8], after: &[u8]) -> usize {
    before
        .chunks(255)
        .zip(after.chunks(255))
        .map(|(a, b)| {
            let run = a.iter().zip(b).fold(0u8, |n, (&x, &y)| n.wrapping_add(u8::from(x <= 0x20) & u8::from(y > 0x20)));
            usize::from(run)
        })
        .sum()
}

/// The spans of one attribute key in a file, as parallel arrays: `doc` (index of the document in
/// the file, non-decreasing), `start`, `end`, and `score`, an index into the score texts.
#[derive(Debug, Clone, Copy)]
pub struct KeySpans<'a> {
    pub doc: &'a [i64],
    pub start: &'a [i64],
    pub end: &'a [i64],
    pub score: &'a [u32],
}

/// Attribute sidecar lines for the documents `ids`, newline included:
/// `{"id":<id>,"attributes":{"<key>":[[start,end,score],...],...}}` with every key on every line
/// (an empty list when a document has no span of it), keys in the order given. `scores` are the
/// JSON texts of the score values (formatted by the caller, so floats read exactly as its JSON
/// encoder writes them); strings are escaped as msgspec escapes them.
pub fn attribute_lines(ids: &StringColumn, keys: &[&str], spans: &[KeySpans], scores: &[&[u8]]) -> Result<Vec<u8>, Error> {
    if keys.len() != spans.len() {
        return Err(invalid(format!("{} keys but {} span sets", keys.len(), spans.len())));
    }
    for (key, s) in keys.iter().zip(spans) {
        let n = s.doc.len();
        if s.start.len() != n || s.end.len() != n || s.score.len() != n {
            return Err(invalid(format!("{key}: doc, start, end and score differ in length")));
        }
        if s.doc.windows(2).any(|w| w[0] > w[1]) || s.doc.first().is_some_and(|&d| d < 0) || s.doc.last().is_some_and(|&d| d as usize >= ids.len()) {
            return Err(invalid(format!("{key}: document indices must be sorted and below {}", ids.len())));
        }
        if s.score.iter().any(|&i| i as usize >= scores.len()) {
            return Err(invalid(format!("{key}: score index out of range")));
        }
    }
    let quoted_keys: Vec<Vec<u8>> = keys.iter().map(|k| { let mut q = Vec::new(); push_json_str(&mut q, k); q }).collect();
    let mut out = Vec::with_capacity(ids.data().len() + ids.len() * (24 + keys.iter().map(|k| k.len() + 5).sum::<usize>()));
    let mut cursor = vec![0usize; keys.len()];
    for doc in 0..ids.len() {
        out.extend_from_slice(b"{\"id\":");
        push_json_str(&mut out, ids.get(doc));
        out.extend_from_slice(b",\"attributes\":{");
        for (k, s) in spans.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&quoted_keys[k]);
            out.extend_from_slice(b":[");
            let mut i = cursor[k];
            while i < s.doc.len() && s.doc[i] as usize == doc {
                if i > cursor[k] {
                    out.push(b',');
                }
                out.push(b'[');
                push_int(&mut out, s.start[i]);
                out.push(b',');
                push_int(&mut out, s.end[i]);
                out.push(b',');
                out.extend_from_slice(scores[s.score[i] as usize]);
                out.push(b']');
                i += 1;
            }
            cursor[k] = i;
            out.push(b']');
        }
        out.extend_from_slice(b"}}\n");
    }
    Ok(out)
}

/// `s` as a JSON string the way msgspec writes it: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00xx`, everything else (DEL, non-ASCII) as is.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => &[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]],
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(escaped);
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

fn push_int(out: &mut Vec<u8>, value: i64) {
    let mut digits = [0u8; 20];
    let mut n = value.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// What [`scan_documents`] found in a block of lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScannedDocuments {
    /// `id` of each accepted line, in line order.
    pub ids: StringColumn,
    /// `text` of each accepted line, in line order.
    pub texts: StringColumn,
    /// `source` of each accepted line (empty when absent, as `Document.source`), in line order.
    pub sources: StringColumn,
    /// 0-based indices of the lines not accepted, ascending (for the caller to decide).
    pub rejected: Vec<usize>,
    /// Lines scanned.
    pub lines: usize,
    /// Bytes of `data` scanned (through the last newline, or all with `last`); the rest is the
    /// start of a line that continues in the next block.
    pub consumed: usize,
}

/// Scan the whole lines of `prefix + data`, without joining them: `prefix` is the unfinished line
/// carried from the previous block, `data` the next block read. The lines scanned are those of
/// Python's `(prefix + data[:consumed]).split(b"\n")` less the empty piece after the last
/// newline, where `consumed` runs through the last newline of `data`; with `last` (the end of the
/// file), `consumed` is all of `data` and the final piece is a line too. When `data` has no
/// newline and is not `last`, nothing is scanned (`consumed` is 0). See the module docs for what
/// a line must be to be accepted.
pub fn scan_documents(prefix: &[u8], data: &[u8], last: bool) -> ScannedDocuments {
    let mut out = ScannedDocuments::default();
    let content = if last {
        data.len()
    } else {
        match memchr::memrchr(b'\n', data) {
            Some(end) => end,
            None => return out,
        }
    };
    out.consumed = if last { data.len() } else { content + 1 };
    let mut rest = &data[..content];
    if !prefix.is_empty() {
        let first = memchr::memchr(b'\n', rest);
        let mut line = prefix.to_vec();
        line.extend_from_slice(&rest[..first.unwrap_or(rest.len())]);
        out.scan(&line);
        match first {
            Some(end) => rest = &rest[end + 1..],
            None => return out,
        }
    }
    loop {
        let newline = memchr::memchr(b'\n', rest);
        out.scan(&rest[..newline.unwrap_or(rest.len())]);
        match newline {
            Some(end) => rest = &rest[end + 1..],
            None => return out,
        }
    }
}

impl ScannedDocuments {
    fn scan(&mut self, line: &[u8]) {
        if !scan_line(line, &mut self.ids, &mut self.texts, &mut self.sources) {
            self.rejected.push(self.lines);
        }
        self.lines += 1;
    }
}

/// Append the line's id, text and source and return true, or leave the columns as they were.
fn scan_line(line: &[u8], ids: &mut StringColumn, texts: &mut StringColumn, sources: &mut StringColumn) -> bool {
    // Every string (keys included) is parsed as `str`, which checks its UTF-8; any other non-ASCII
    // byte is a syntax error. (msgspec skips unknown values unchecked: refusing more is safe.)
    let count = ids.len();
    let mut de = serde_json::Deserializer::from_slice(line);
    let ok = de.deserialize_map(DocumentVisitor { ids: &mut *ids, texts: &mut *texts, sources: &mut *sources }).is_ok()
        && de.end().is_ok();
    if !ok {
        for column in [ids, texts, sources] {
            column.truncate_to(count);
        }
    }
    ok
}

/// The top-level object: appends `id`, `text` and `source` (empty when absent), checks the typed
/// fields, ignores the rest.
struct DocumentVisitor<'c> {
    ids: &'c mut StringColumn,
    texts: &'c mut StringColumn,
    sources: &'c mut StringColumn,
}

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a document object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = [false; 6];
        while let Some(key) = map.next_key::<Field>()? {
            if key != Field::Other {
                if seen[key as usize] {
                    return Err(de::Error::custom("repeated key")); // msgspec keeps the last: let it decide
                }
                seen[key as usize] = true;
            }
            match key {
                Field::Id => map.next_value_seed(Append(self.ids))?,
                Field::Text => map.next_value_seed(Append(self.texts))?,
                Field::Source => map.next_value_seed(Append(self.sources))?,
                Field::Added | Field::Created => map.next_value_seed(Typed::StrOrNull)?,
                Field::Metadata => map.next_value_seed(Typed::ObjectOrNull)?,
                // Checked as msgspec checks a metadata value (stricter than its skip: refusing more is safe).
                Field::Other => map.next_value_seed(Typed::Any)?,
            }
        }
        if seen[Field::Id as usize] && seen[Field::Text as usize] {
            if !seen[Field::Source as usize] {
                self.sources.push("");
            }
            Ok(())
        } else {
            Err(de::Error::custom("missing id or text"))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Text,
    Source,
    Added,
    Created,
    Metadata,
    Other,
}

impl<'de> de::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
                Ok(match key {
                    "id" => Field::Id,
                    "text" => Field::Text,
                    "source" => Field::Source,
                    "added" => Field::Added,
                    "created" => Field::Created,
                    "metadata" => Field::Metadata,
                    _ => Field::Other,
                })
            }
        }
        deserializer.deserialize_str(FieldVisitor)
    }
}

/// A string value, appended to a column (unescaped straight from the parser's buffer).
struct Append<'c>(&'c mut StringColumn);

impl<'de> DeserializeSeed<'de> for Append<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Append<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.0.push(s);
        Ok(())
    }
}

/// A value that must have a type, and is otherwise not kept.
#[derive(Clone, Copy)]
enum Typed {
    Str,
    StrOrNull,
    ObjectOrNull,
    /// Any JSON value whose numbers are finite (what msgspec decodes into `Any`).
    Any,
}

impl<'de> DeserializeSeed<'de> for Typed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Typed {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Typed::Str => "a string",
            Typed::StrOrNull => "a string or null",
            Typed::ObjectOrNull => "an object or null",
            Typed::Any => "a JSON value",
        })
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        match self {
            Typed::Str | Typed::StrOrNull | Typed::Any => Ok(()),
            Typed::ObjectOrNull => Err(E::custom("expected an object")),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        match self {
            Typed::StrOrNull | Typed::ObjectOrNull | Typed::Any => Ok(()),
            Typed::Str => Err(E::custom("expected a string")),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if !matches!(self, Typed::ObjectOrNull | Typed::Any) {
            return Err(de::Error::custom("unexpected object"));
        }
        while map.next_key_seed(Typed::Str)?.is_some() {
            map.next_value_seed(Typed::Any)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !matches!(self, Typed::Any) {
            return Err(de::Error::custom("unexpected array"));
        }
        while seq.next_element_seed(Typed::Any)?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        if value.is_finite() {
            self.scalar()
        } else {
            Err(E::custom("number out of range"))
        }
    }
}

impl Typed {
    fn scalar<E: de::Error>(self) -> Result<(), E> {
        match self {
            Typed::Any => Ok(()),
            _ => Err(E::custom("unexpected scalar")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> ScannedDocuments {
        scan_documents(b"", text.as_bytes(), true)
    }

    #[test]
    fn accepts_documents_and_reports_the_rest_by_line() {
        let out = scan(concat!(
            "{\"id\":\"a\",\"text\":\"x\\ny \\u00e9\",\"source\":\"s\",\"metadata\":{\"n\":[1,2.5,null,{\"k\":true}]}}\n",
            "\n",
            "{\"id\":\"b\"}\n",
            "{\"id\":\"c\",\"text\":\"z\",\"added\":null,\"created\":\"2024\",\"zz\":1e300}\r\n",
            "{\"id\":\"d\",\"text\":\"w\"}",
        ));
        assert_eq!(out.ids.strs(), ["a", "c", "d"]);
        assert_eq!(out.texts.strs(), ["x\ny é", "z", "w"]);
        assert_eq!(out.sources.strs(), ["s", "", ""]);
        assert_eq!(out.rejected, [1, 2]);
        assert_eq!(out.lines, 5);
        assert_eq!(out.texts.char_lengths(), [5, 1, 1]);
        assert_eq!(scan("{\"id\":\"a\",\"text\":\"b\"}\n").rejected, [1]); // as b"...\n".split(b"\n")
    }

    #[test]
    fn lines_carry_across_blocks() {
        let text = "{\"id\":\"a\",\"text\":\"b\"}\n\n{\"id\":\"c\",\"text\":\"d\"}\n{\"id\":\"e\",\"text\":\"f\"}";
        let whole = scan(text);
        for cut in 0..=text.len() {
            let (head, tail) = text.as_bytes().split_at(cut);
            let first = scan_documents(b"", head, false);
            let carried = &head[first.consumed..];
            let second = scan_documents(carried, tail, true);
            let ids: Vec<&str> = first.ids.strs().into_iter().chain(second.ids.strs()).collect();
            assert_eq!(ids, whole.ids.strs(), "cut at {cut}");
            let rejected: Vec<usize> =
                first.rejected.iter().copied().chain(second.rejected.iter().map(|r| r + first.lines)).collect();
            assert_eq!((rejected, first.lines + second.lines), (whole.rejected.clone(), whole.lines), "cut at {cut}");
        }
        let none = scan_documents(b"{\"id\"", b":\"a\",", false);
        assert_eq!((none.lines, none.consumed), (0, 0));
    }

    #[test]
    fn refuses_what_msgspec_refuses_or_decides_differently() {
        for line in [
            r#"{"id":"a","text":"b","source":null}"#,
            r#"{"id":"a","text":"b","source":1}"#,
            r#"{"id":"a","text":"b","created":5}"#,
            r#"{"id":"a","text":"b","metadata":[]}"#,
            r#"{"id":"a","text":"b","metadata":{"x":1e999}}"#,
            r#"{"id":"a","text":"b","text":"c"}"#,
            r#"{"id":1,"text":"b"}"#,
            r#"{"id":"a","text":"\ud800"}"#,
            r#"{"id":"a","text":"b","zz":"\ud800"}"#,
            r#"{"id":"a","text":"b","zz":01}"#,
            r#"{"id":"a","text":"b","zz":1.}"#,
            "{\"id\":\"a\",\"text\":\"a\tb\"}",
            "{\"id\":\"a\",\"text\":\"b\"}\x0c",
            r#"{"id":"a","text":"b"} {}"#,
            r#"{"id":"a","text":"b","zz":1e999}"#,
            r#"["id","text"]"#,
            "", // a blank line
        ] {
            let out = scan(line);
            assert_eq!(out.rejected, [0], "accepted {line:?}");
            assert!(out.ids.is_empty() && out.texts.is_empty(), "left data behind for {line:?}");
        }
        for line in [&b"{\"id\":\"a\",\"text\":\"b\",\"zz\":\"\xff\"}"[..], b"{\"id\":\"a\",\"text\":\"b\",\"metadata\":{\"\xff\":1}}",
                     b"{\"id\":\"a\",\"text\":\"\xff\"}", b"{\"id\":\"a\",\"text\":\"b\"}\xff"] {
            assert_eq!(scan_documents(b"", line, true).rejected, [0], "accepted {line:?}");
        }
    }

    #[test]
    fn attribute_lines_group_spans_by_document() {
        let ids = StringColumn::from_strs(&["a", "q\"\\\u{1}\n\u{7f}é"]);
        let (doc, start, end, score) = ([1i64, 1], [0i64, 5], [4i64, 7], [0u32, 1]);
        let spans = [KeySpans { doc: &[], start: &[], end: &[], score: &[] }, KeySpans { doc: &doc, start: &start, end: &end, score: &score }];
        let out = attribute_lines(&ids, &["x", "y"], &spans, &[b"1.0", b"-12"]).unwrap();
        let expected = concat!(
            "{\"id\":\"a\",\"attributes\":{\"x\":[],\"y\":[]}}\n",
            "{\"id\":\"q\\\"\\\\\\u0001\\n\u{7f}é\",\"attributes\":{\"x\":[],\"y\":[[0,4,1.0],[5,7,-12]]}}\n",
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let unsorted = [KeySpans { doc: &[1, 0], start: &[0, 0], end: &[1, 1], score: &[0, 0] }];
        assert!(matches!(attribute_lines(&ids, &["x"], &unsorted, &[b"1.0"]), Err(Error::InvalidArgument(_))));
        let beyond = [KeySpans { doc: &[2], start: &[0], end: &[1], score: &[0] }];
        assert!(matches!(attribute_lines(&ids, &["x"], &beyond, &[b"1.0"]), Err(Error::InvalidArgument(_))));
        let mut n = Vec::new();
        push_int(&mut n, i64::MIN);
        assert_eq!(n, i64::MIN.to_string().as_bytes());
    }

    #[test]
    fn columns_round_trip() {
        let column = StringColumn::from_strs(&["", "héllo", "𝄞"]);
        let again = StringColumn::from_parts(column.data().to_vec(), column.offsets().to_vec()).unwrap();
        assert_eq!(again, column);
        assert_eq!(column.char_lengths(), [0, 5, 1]);
        assert_eq!(column.byte_lengths(), [0, 6, 4]);
        let words = StringColumn::from_strs(&["", " ", "a", " a b\t\tc\n", "x\u{a0}y\u{1}z", "é  𝄞"]);
        assert_eq!(words.word_counts(), [0, 0, 1, 3, 2, 2]);
        let both = StringColumn::concat(&[&column, &column]);
        assert_eq!(both.strs(), ["", "héllo", "𝄞", "", "héllo", "𝄞"]);
        assert!(matches!(StringColumn::from_parts(vec![0xff], vec![0, 1]), Err(Error::InvalidArgument(_))));
        assert!(matches!(StringColumn::from_parts(vec![b'a'], vec![0, 2]), Err(Error::InvalidArgument(_))));
        assert!(matches!(StringColumn::from_parts(vec![b'a', b'b'], vec![0, 2, 1, 2]), Err(Error::InvalidArgument(_))));
    }
}
