//! Reading a `tokenizer.json`: the pipeline is accepted only when every part of it is one this
//! encoder reproduces exactly; anything else is [`Error::Unsupported`] with the reason, so that
//! the caller falls back to `tokenizers`.

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::model::{byte_char, token_bytes};
use crate::{Error, Result};

/// An added token as the splitter needs it.
pub(crate) struct AddedToken {
    pub content: String,
    pub id: u32,
    pub normalized: bool,
}

/// Everything encoding needs, checked.
pub(crate) struct Spec {
    pub nfc: bool,
    pub add_prefix_space: bool,
    pub added: Vec<AddedToken>,
    /// Token bytes -> id, for the tokens made of byte-level characters only.
    pub vocab: FxHashMap<Vec<u8>, u32>,
    pub merges: Merges,
    pub ignore_merges: bool,
}

fn unsupported(reason: impl Into<String>) -> Error {
    Error::Unsupported(reason.into())
}

/// The object at `value`, refusing keys outside `known` (a new option could change the ids).
fn object<'a>(value: &'a Value, what: &str, known: &[&str]) -> Result<&'a Map<String, Value>> {
    let map = value.as_object().ok_or_else(|| unsupported(format!("{what} is not an object")))?;
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(unsupported(format!("{what}: option {key:?}")));
    }
    Ok(map)
}

fn is_null(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).is_none_or(Value::is_null)
}

fn flag(map: &Map<String, Value>, key: &str, default: bool, what: &str) -> Result<bool> {
    match map.get(key) {
        None => Ok(default),
        Some(v) => v.as_bool().ok_or_else(|| unsupported(format!("{what}.{key} is not a boolean"))),
    }
}

fn type_of(value: &Value) -> &str {
    value.get("type").and_then(Value::as_str).unwrap_or("?")
}

/// Check a parsed `tokenizer.json`.
pub(crate) fn parse(root: &Value) -> Result<Spec> {
    let root = root.as_object().ok_or_else(|| unsupported("tokenizer.json is not an object"))?;
    if root.get("version").and_then(Value::as_str) != Some("1.0") {
        return Err(unsupported("tokenizer.json version other than 1.0"));
    }
    for key in ["truncation", "padding"] {
        if !is_null(root, key) {
            return Err(unsupported(format!("{key} (it changes the ids)")));
        }
    }
    let nfc = match root.get("normalizer") {
        None | Some(Value::Null) => false,
        Some(n) if type_of(n) == "NFC" => {
            object(n, "normalizer", &["type"])?;
            true
        }
        Some(n) => return Err(unsupported(format!("normalizer {}", type_of(n)))),
    };
    let add_prefix_space = pre_tokenizer(root.get("pre_tokenizer"))?;
    match root.get("post_processor") {
        // With add_special_tokens=False these add nothing and only move offsets.
        None | Some(Value::Null) => {}
        Some(p) if ["ByteLevel", "TemplateProcessing"].contains(&type_of(p)) => {}
        Some(p) => return Err(unsupported(format!("post_processor {}", type_of(p)))),
    }
    let model = root.get("model").ok_or_else(|| unsupported("no model"))?;
    let (words, merges, ignore_merges) = bpe_model(model)?;
    let added = added_tokens(root.get("added_tokens"), &words)?;
    let char_byte: FxHashMap<char, u8> = (0..=255u8).map(|b| (byte_char(b), b)).collect();
    let vocab = words.iter().filter_map(|(t, &id)| token_bytes(t, &char_byte).map(|b| (b, id))).collect();
    Ok(Spec { nfc, add_prefix_space, added, vocab, merges, ignore_merges })
}

/// `ByteLevel` with the GPT-2 pattern; returns `add_prefix_space`.
fn pre_tokenizer(value: Option<&Value>) -> Result<bool> {
    let value = value.filter(|v| !v.is_null()).ok_or_else(|| unsupported("no pre_tokenizer"))?;
    if type_of(value) != "ByteLevel" {
        return Err(unsupported(format!("pre_tokenizer {}", type_of(value))));
    }
    let map = object(value, "pre_tokenizer", &["type", "add_prefix_space", "trim_offsets", "use_regex"])?;
    if !flag(map, "use_regex", true, "pre_tokenizer")? {
        return Err(unsupported("ByteLevel pre_tokenizer without use_regex"));
    }
    flag(map, "add_prefix_space", true, "pre_tokenizer")
}

type Words = FxHashMap<String, u32>;
/// `(left, right, merged)` ids in rank order.
type Merges = Vec<(u32, u32, u32)>;

/// A plain byte-level `BPE`: its vocabulary (by token string), merges and `ignore_merges`.
fn bpe_model(value: &Value) -> Result<(Words, Merges, bool)> {
    if type_of(value) != "BPE" {
        return Err(unsupported(format!("model {}", type_of(value))));
    }
    let map = object(value, "model", &["type", "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix",
                                        "fuse_unk", "byte_fallback", "ignore_merges", "vocab", "merges"])?;
    for key in ["dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"] {
        if !is_null(map, key) {
            return Err(unsupported(format!("BPE {key}")));
        }
    }
    for key in ["fuse_unk", "byte_fallback"] {
        if flag(map, key, false, "model")? {
            return Err(unsupported(format!("BPE {key}")));
        }
    }
    let ignore_merges = flag(map, "ignore_merges", false, "model")?;
    let vocab = map.get("vocab").and_then(Value::as_object).ok_or_else(|| unsupported("BPE without a vocab object"))?;
    let mut words = Words::with_capacity_and_hasher(vocab.len(), Default::default());
    for (token, id) in vocab {
        let id = id.as_u64().and_then(|i| u32::try_from(i).ok()).ok_or_else(|| unsupported(format!("vocab id of {token:?}")))?;
        words.insert(token.clone(), id);
    }
    let list = map.get("merges").and_then(Value::as_array).ok_or_else(|| unsupported("BPE without a merges list"))?;
    let mut merges = Vec::with_capacity(list.len());
    for entry in list {
        let (a, b) = match entry {
            Value::String(s) => {
                let mut parts = s.split(' ');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(b), None) => (a, b),
                    _ => return Err(unsupported(format!("merge {s:?} is not two tokens"))),
                }
            }
            Value::Array(pair) => match pair.as_slice() {
                [Value::String(a), Value::String(b)] => (a.as_str(), b.as_str()),
                _ => return Err(unsupported(format!("merge {entry} is not two tokens"))),
            },
            _ => return Err(unsupported(format!("merge {entry} is not two tokens"))),
        };
        let id = |t: &str| words.get(t).copied().ok_or_else(|| unsupported(format!("merge token {t:?} is not in the vocab")));
        merges.push((id(a)?, id(b)?, id(&format!("{a}{b}"))?));
    }
    Ok((words, merges, ignore_merges))
}

/// The added tokens, with the ids `tokenizers` gives them when it loads the file (the file's
/// ids are only checked against those: a mismatch is refused).
fn added_tokens(value: Option<&Value>, words: &Words) -> Result<Vec<AddedToken>> {
    let Some(list) = value.filter(|v| !v.is_null()) else { return Ok(vec![]) };
    let list = list.as_array().ok_or_else(|| unsupported("added_tokens is not a list"))?;
    let mut out: Vec<AddedToken> = Vec::with_capacity(list.len());
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    for entry in list {
        let map = object(entry, "added token", &["id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"])?;
        let content = map.get("content").and_then(Value::as_str).ok_or_else(|| unsupported("added token without content"))?;
        for key in ["single_word", "lstrip", "rstrip"] {
            if map.get(key).and_then(Value::as_bool) != Some(false) {
                return Err(unsupported(format!("added token {content:?} with {key} not false")));
            }
        }
        let normalized = map.get("normalized").and_then(Value::as_bool);
        let special = map.get("special").and_then(Value::as_bool);
        let (Some(normalized), Some(_)) = (normalized, special) else {
            return Err(unsupported(format!("added token {content:?} without normalized/special flags")));
        };
        if content.is_empty() {
            continue; // tokenizers ignores it
        }
        if ids.contains_key(content) {
            return Err(unsupported(format!("added token {content:?} listed twice")));
        }
        let assigned = match words.get(content) {
            Some(&id) => id,
            None => {
                let size = words.len() as u32;
                match ids.values().max() {
                    None => size,
                    Some(&max) if max >= size || size == 0 => max + 1,
                    Some(_) => size,
                }
            }
        };
        let declared = map.get("id").and_then(Value::as_u64);
        if declared != Some(assigned as u64) {
            return Err(unsupported(format!(
                "added token {content:?} has id {declared:?} in the file but tokenizers assigns {assigned}"
            )));
        }
        ids.insert(content.to_owned(), assigned);
        out.push(AddedToken { content: content.to_owned(), id: assigned, normalized });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(normalizer: &str, pre: &str, model_extra: &str, added: &str) -> String {
        format!(
            r#"{{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [{added}],
               "normalizer": {normalizer}, "pre_tokenizer": {pre}, "post_processor": null, "decoder": null,
               "model": {{"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                          "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false{model_extra},
                          "vocab": {{"a": 0, "b": 1, "ab": 2, "Ġ": 3}}, "merges": ["a b"]}}}}"#
        )
    }

    fn parse_text(json: &str) -> Result<Spec> {
        parse(&serde_json::from_str(json).expect("test JSON"))
    }

    const BYTE_LEVEL: &str = r#"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}"#;

    fn reason(json: &str) -> String {
        match parse_text(json) {
            Err(Error::Unsupported(r)) => r,
            Err(e) => panic!("not Unsupported: {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn accepts_a_plain_byte_level_bpe() {
        let spec = parse_text(&json(r#"{"type": "NFC"}"#, BYTE_LEVEL, r#", "ignore_merges": true"#, "")).unwrap();
        assert!(spec.nfc && !spec.add_prefix_space && spec.ignore_merges);
        assert_eq!(spec.merges, [(0, 1, 2)]);
        assert_eq!(spec.vocab[&b" "[..]], 3);
    }

    #[test]
    fn refuses_what_it_does_not_reproduce() {
        assert!(reason(&json(r#"{"type": "Lowercase"}"#, BYTE_LEVEL, "", "")).contains("Lowercase"));
        assert!(reason(&json("null", r#"{"type": "Metaspace"}"#, "", "")).contains("Metaspace"));
        assert!(reason(&json("null", BYTE_LEVEL, r#", "some_new_option": 1"#, "")).contains("some_new_option"));
        let no_regex = r#"{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}"#;
        assert!(reason(&json("null", no_regex, "", "")).contains("use_regex"));
        let dropout = json("null", BYTE_LEVEL, "", "").replace(r#""dropout": null"#, r#""dropout": 0.1"#);
        assert!(reason(&dropout).contains("dropout"));
        let lstrip = r#"{"id": 4, "content": "<s>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true}"#;
        assert!(reason(&json("null", BYTE_LEVEL, "", lstrip)).contains("lstrip"));
        let wrong_id = r#"{"id": 9, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}"#;
        assert!(reason(&json("null", BYTE_LEVEL, "", wrong_id)).contains("assigns 4"));
        let truncated = json("null", BYTE_LEVEL, "", "").replace(r#""truncation": null"#, r#""truncation": {"max_length": 3}"#);
        assert!(reason(&truncated).contains("truncation"));
    }

    #[test]
    fn added_token_ids_follow_tokenizers() {
        let token = |id: u32, content: &str| {
            format!(r#"{{"id": {id}, "content": "{content}", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": false}}"#)
        };
        // In the vocabulary: its id; new: after the vocabulary, then after the largest so far.
        let added = [token(2, "ab"), token(4, "x"), token(5, "y")].join(",");
        let spec = parse_text(&json("null", BYTE_LEVEL, "", &added)).unwrap();
        assert_eq!(spec.added.iter().map(|t| t.id).collect::<Vec<_>>(), [2, 4, 5]);
    }
}
