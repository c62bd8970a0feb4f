//! The token offsets of a shard's metadata CSV (`start,end,id,source,provenance`, no header), read
//! without a CSV library: only the two leading integer fields are kept, the three text fields are
//! stepped over (RFC 4180 quoting: a quoted field may hold commas, newlines and doubled quotes).
//! This is what `check` needs of every document, at memory speed.

/// Fields of a metadata row.
const FIELDS: usize = 5;

/// `start` and `end` of every row, in file order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Offsets {
    pub start: Vec<i64>,
    pub end: Vec<i64>,
}

/// Why a row is not a metadata row: its 1-based number (blank lines are not counted) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub row: usize,
    pub reason: String,
}

/// Read every row of `data` (the decompressed CSV). Rows end at `\n` or `\r\n` outside quotes;
/// blank lines are skipped; each row must have exactly five fields, the first two decimal integers.
pub fn metadata_offsets(data: &[u8]) -> Result<Offsets, BadRow> {
    let mut out = Offsets::default();
    let mut at = 0;
    while at < data.len() {
        if let Some(next) = line_end(data, at) {
            at = next; // a blank line
            continue;
        }
        let row = out.start.len() + 1;
        let bad = |reason: &str| BadRow { row, reason: reason.to_owned() };
        let (start, next) = integer(data, at).ok_or_else(|| bad("start is not an integer"))?;
        let next = comma(data, next).ok_or_else(|| bad("start is not an integer"))?;
        let (end, next) = integer(data, next)
            .filter(|&(_, next)| next == data.len() || data[next] == b',' || line_end(data, next).is_some())
            .ok_or_else(|| bad("end is not an integer"))?;
        let mut fields = 2;
        at = next;
        loop {
            if let Some(next) = line_end(data, at) {
                at = next;
                break;
            }
            if at == data.len() {
                break;
            }
            at = comma(data, at).ok_or_else(|| bad("a field continues after its closing quote"))?;
            at = skip_field(data, at).ok_or_else(|| bad("a quoted field is not closed"))?;
            fields += 1;
        }
        if fields != FIELDS {
            return Err(bad(&format!("{fields} fields, expected {FIELDS}")));
        }
        out.start.push(start);
        out.end.push(end);
    }
    Ok(out)
}

/// Past the line end at `at` (`\n` or `\r\n`), if there is one.
fn line_end(data: &[u8], at: usize) -> Option<usize> {
    match data.get(at..at + 2) {
        Some(b"\r\n") => Some(at + 2),
        _ => (data.get(at) == Some(&b'\n')).then_some(at + 1),
    }
}

fn comma(data: &[u8], at: usize) -> Option<usize> {
    (data.get(at) == Some(&b',')).then_some(at + 1)
}

/// An optional `-` and 1 to 18 digits (no overflow possible), and the position after them.
fn integer(data: &[u8], at: usize) -> Option<(i64, usize)> {
    let negative = data.get(at) == Some(&b'-');
    let first = at + usize::from(negative);
    let digits = data[first.min(data.len())..].iter().take(19).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let value = data[first..first + digits].iter().fold(0i64, |v, &b| v * 10 + i64::from(b - b'0'));
    Some((if negative { -value } else { value }, first + digits))
}

/// The position after the field starting at `at` (at a comma, a line end or the end of `data`);
/// None for an unclosed quoted field.
fn skip_field(data: &[u8], at: usize) -> Option<usize> {
    if data.get(at) != Some(&b'"') {
        let mut i = at;
        loop {
            match memchr::memchr3(b',', b'\n', b'\r', &data[i..]) {
                None => return Some(data.len()),
                // A lone `\r` inside an unquoted field is part of it.
                Some(n) if data[i + n] == b'\r' && data.get(i + n + 1) != Some(&b'\n') => i += n + 1,
                Some(n) => return Some(i + n),
            }
        }
    }
    let mut i = at + 1;
    loop {
        i += memchr::memchr(b'"', &data[i..])?;
        if data.get(i + 1) == Some(&b'"') {
            i += 2; // a doubled quote
        } else {
            return Some(i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_offsets_past_quoted_fields() {
        let data = b"0,5,a,s,f:1\n5,9,\"x,\ny\"\"z\",\"\",\"f:2\"\r\n\n9,12,c,\"s\",f\r:3";
        let out = metadata_offsets(data).unwrap();
        assert_eq!((out.start, out.end), (vec![0, 5, 9], vec![5, 9, 12]));
        assert_eq!(metadata_offsets(b"").unwrap(), Offsets::default());
        assert_eq!(metadata_offsets(b"-1,2,a,b,c\n").unwrap().start, [-1]);
    }

    #[test]
    fn names_the_bad_row() {
        let cases: [(&[u8], usize, &str); 8] = [
            (b"0,1x,a,b,c", 1, "end"),
            (b"0,1,a,b,c\nx,2,a,b,c\n", 2, "start"),
            (b"0,,a,b,c", 1, "end"),
            (b"0,1,a,b\n", 1, "4 fields"),
            (b"0,1,a,b,c,d\n", 1, "6 fields"),
            (b"0,1,\"a\"b,b,c\n", 1, "closing quote"),
            (b"0,1,a,b,\"c\n", 1, "not closed"),
            (b"0,1234567890123456789,a,b,c", 1, "end"),
        ];
        for (data, row, reason) in cases {
            let bad = metadata_offsets(data).unwrap_err();
            assert_eq!(bad.row, row, "{:?}", String::from_utf8_lossy(data));
            assert!(bad.reason.contains(reason), "{bad:?}");
        }
    }
}
