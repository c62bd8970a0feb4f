//! A byte-level BPE encoder that gives exactly the ids of Hugging Face `tokenizers`'
//! `Tokenizer.encode(text, add_special_tokens=False)`, for the pipelines it accepts (GPT-2,
//! GPT-NeoX/OLMo and the like), and refuses the others with the reason.
//!
//! * [`config`]: reading `tokenizer.json`; what is accepted.
//! * [`added`]: splitting on added tokens; NFC.
//! * [`pretokenize`]: GPT-2's pre-tokenizer pattern as a scanner.
//! * [`classes`] (+ generated `unicode_tables`): its character classes.
//! * [`model`]: byte-level BPE merges.
//!
//! Per text: split on raw added tokens; normalise each piece (NFC or nothing); split that on
//! normalised added tokens; prefix a space if asked; pre-tokenize; BPE each pre-token, through a
//! per-thread word cache.

mod added;
mod classes;
mod config;
mod model;
mod pretokenize;
mod unicode_tables;

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use thread_local::ThreadLocal;

use crate::error::invalid;
use crate::parallel;
use crate::{Error, Result};
use added::{nfc, Matcher, Segment};
use model::BpeModel;
use pretokenize::pre_tokens;

/// Words cached per thread before the cache is emptied (bounded memory, same ids either way).
const CACHE_WORDS: usize = 1 << 16;
/// Longer pre-tokens are not cached (they rarely repeat).
const CACHE_MAX_BYTES: usize = 64;

/// A pre-token's bytes -> its ids.
type WordCache = FxHashMap<Box<[u8]>, Box<[u32]>>;

/// The encoder. Built once from a `tokenizer.json`; shared by threads.
pub struct ByteLevelBpe {
    raw_added: Matcher,
    normalized_added: Matcher,
    nfc: bool,
    add_prefix_space: bool,
    model: BpeModel,
    caches: ThreadLocal<RefCell<WordCache>>,
}

/// Token ids of a batch, concatenated, and each text's number of ids.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub lengths: Vec<i64>,
}

impl ByteLevelBpe {
    /// Build from the text of a `tokenizer.json`. [`Error::Unsupported`] names the first part of
    /// the pipeline this encoder would not reproduce exactly; text that is not JSON is an
    /// [`Error::InvalidArgument`].
    pub fn from_json(json: &str) -> Result<Self> {
        let root = serde_json::from_str(json).map_err(|e| invalid(format!("tokenizer.json: {e}")))?;
        Self::from_value(&root)
    }

    /// Build from a `tokenizer.json` file: as [`ByteLevelBpe::from_json`], but a file that is not
    /// UTF-8 JSON is an [`Error::CorruptFile`] naming it.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let root = serde_json::from_slice(&bytes)
            .map_err(|e| Error::corrupt(path, format!("not a tokenizer.json (invalid JSON: {e})")))?;
        Self::from_value(&root)
    }

    fn from_value(root: &serde_json::Value) -> Result<Self> {
        let spec = config::parse(root)?;
        let pattern = |t: &config::AddedToken| if spec.nfc { nfc(&t.content).into_owned() } else { t.content.clone() };
        let raw: Vec<(String, u32)> = spec.added.iter().filter(|t| !t.normalized).map(|t| (t.content.clone(), t.id)).collect();
        let normalized: Vec<(String, u32)> = spec.added.iter().filter(|t| t.normalized).map(|t| (pattern(t), t.id)).collect();
        for set in [&raw, &normalized] {
            let mut patterns: Vec<&str> = set.iter().map(|(p, _)| p.as_str()).collect();
            patterns.sort_unstable();
            if let Some(w) = patterns.windows(2).find(|w| w[0] == w[1]) {
                return Err(Error::Unsupported(format!("two added tokens match {:?}", w[0])));
            }
        }
        Ok(ByteLevelBpe {
            raw_added: Matcher::new(&raw)?,
            normalized_added: Matcher::new(&normalized)?,
            nfc: spec.nfc,
            add_prefix_space: spec.add_prefix_space,
            model: BpeModel::new(spec.vocab, &spec.merges, spec.ignore_merges),
            caches: ThreadLocal::new(),
        })
    }

    /// The ids of `text`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        self.encode_into(text, &mut out);
        out
    }

    /// Append the ids of `text` to `out`.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) {
        let mut cache = self.caches.get_or(|| RefCell::new(WordCache::default())).borrow_mut();
        self.raw_added.split(text, |segment| match segment {
            Segment::Added(id) => out.push(id),
            Segment::Text(piece) => {
                let piece = if self.nfc { nfc(piece) } else { Cow::Borrowed(piece) };
                self.normalized_added.split(&piece, |segment| match segment {
                    Segment::Added(id) => out.push(id),
                    Segment::Text(piece) => self.encode_piece(piece, &mut cache, out),
                });
            }
        });
    }

    /// Pre-tokenize and BPE one normalised piece free of added tokens.
    fn encode_piece(&self, piece: &str, cache: &mut WordCache, out: &mut Vec<u32>) {
        let prefixed;
        let piece = if self.add_prefix_space && !piece.starts_with(' ') {
            prefixed = format!(" {piece}");
            prefixed.as_str()
        } else {
            piece
        };
        for word in pre_tokens(piece) {
            let word = word.as_bytes();
            if word.len() > CACHE_MAX_BYTES {
                self.model.encode_word(word, out);
            } else if let Some(ids) = cache.get(word) {
                out.extend_from_slice(ids);
            } else {
                let start = out.len();
                self.model.encode_word(word, out);
                if cache.len() >= CACHE_WORDS {
                    cache.clear();
                }
                cache.insert(word.into(), out[start..].into());
            }
        }
    }

    /// Encode `texts` in parallel on the core's pool, each as `[bos] ids eos` (`bos`/`eos` when
    /// given), in input order.
    pub fn encode_batch(&self, texts: &[&str], bos: Option<u32>, eos: Option<u32>) -> Encoded {
        let one = |chunk: &[&str]| {
            let mut part = Encoded { ids: Vec::new(), lengths: Vec::with_capacity(chunk.len()) };
            for text in chunk {
                let start = part.ids.len();
                part.ids.extend(bos);
                self.encode_into(text, &mut part.ids);
                part.ids.extend(eos);
                part.lengths.push((part.ids.len() - start) as i64);
            }
            part
        };
        if parallel::num_threads() == 1 || texts.len() < 2 {
            return one(texts);
        }
        let parts: Vec<Encoded> = parallel::install(|| texts.par_chunks(16).map(one).collect());
        let mut all = Encoded {
            ids: Vec::with_capacity(parts.iter().map(|p| p.ids.len()).sum()),
            lengths: Vec::with_capacity(texts.len()),
        };
        for part in parts {
            all.ids.extend_from_slice(&part.ids);
            all.lengths.extend_from_slice(&part.lengths);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_say_what_is_wrong_with_the_file() {
        let dir = std::env::temp_dir().join(format!("dt-bpe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokenizer.json");
        let load = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            ByteLevelBpe::from_file(&path).map(|_| ())
        };
        assert!(matches!(load(b"{not json"), Err(Error::CorruptFile { .. })));
        assert!(matches!(load(b"\"\xff\""), Err(Error::CorruptFile { .. })));
        assert!(matches!(load(br#"{"version": "2.0"}"#), Err(Error::Unsupported(_))));
        assert!(matches!(ByteLevelBpe::from_json("{not json"), Err(Error::InvalidArgument(_))));
        let missing = ByteLevelBpe::from_file(&dir.join("missing.json")).map(|_| ());
        assert!(matches!(missing, Err(Error::Io { ref source, .. }) if source.kind() == std::io::ErrorKind::NotFound));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
