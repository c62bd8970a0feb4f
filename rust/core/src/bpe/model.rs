//! The BPE model on raw bytes: GPT-2's byte-to-character alphabet undone once at load, merges
//! applied lowest rank first (leftmost among equals), as `tokenizers`' `BPE` does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

/// The printable character GPT-2's byte-level alphabet gives to byte `b`: printable Latin-1
/// bytes stand for themselves, the other 68 bytes get U+0100 onwards, in byte order.
pub(crate) fn byte_char(b: u8) -> char {
    let printable = |x: u8| (b'!'..=b'~').contains(&x) || (0xA1..=0xAC).contains(&x) || x >= 0xAE;
    if printable(b) {
        return b as char;
    }
    let shifted = (0..b).filter(|&x| !printable(x)).count() as u32;
    char::from_u32(0x100 + shifted).expect("below U+0144")
}

/// The bytes a byte-level token string stands for, or `None` when it has a character outside
/// the alphabet (such a token can never come out of the model).
pub(crate) fn token_bytes(token: &str, char_byte: &FxHashMap<char, u8>) -> Option<Vec<u8>> {
    token.chars().map(|c| char_byte.get(&c).copied()).collect()
}

/// Vocabulary and merges, keyed by bytes and ids.
pub(crate) struct BpeModel {
    /// Id of each byte on its own; `None` when the vocabulary lacks it (the byte is then dropped,
    /// as `tokenizers` does with no unknown token).
    byte_ids: [Option<u32>; 256],
    /// Ids of whole tokens by their bytes (for `ignore_merges`).
    vocab: FxHashMap<Vec<u8>, u32>,
    /// `(left, right)` packed in a u64 -> `(rank, merged id)`.
    merges: FxHashMap<u64, (u32, u32)>,
    /// A piece found whole in the vocabulary is one id (`ignore_merges`).
    ignore_merges: bool,
}

#[inline]
fn pair(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// Words of at most this many symbols merge by rescanning; longer ones use a heap.
const SHORT_WORD: usize = 48;

impl BpeModel {
    /// `vocab` maps token bytes to ids; `merges` are `(left, right, merged)` ids in rank order
    /// (a pair listed twice keeps its last rank, as in `tokenizers`).
    pub(crate) fn new(vocab: FxHashMap<Vec<u8>, u32>, merges: &[(u32, u32, u32)], ignore_merges: bool) -> Self {
        let mut byte_ids = [None; 256];
        for (b, slot) in byte_ids.iter_mut().enumerate() {
            *slot = vocab.get(&[b as u8][..]).copied();
        }
        let mut table = FxHashMap::with_capacity_and_hasher(merges.len(), Default::default());
        for (rank, &(a, b, merged)) in merges.iter().enumerate() {
            table.insert(pair(a, b), (rank as u32, merged));
        }
        BpeModel { byte_ids, vocab, merges: table, ignore_merges }
    }

    /// Append the ids of one pre-token (raw bytes) to `out`.
    pub(crate) fn encode_word(&self, word: &[u8], out: &mut Vec<u32>) {
        if self.ignore_merges {
            if let Some(&id) = self.vocab.get(word) {
                out.push(id);
                return;
            }
        }
        let mut symbols: Vec<u32> = word.iter().filter_map(|&b| self.byte_ids[b as usize]).collect();
        if symbols.len() <= SHORT_WORD {
            self.merge_short(&mut symbols);
            out.extend_from_slice(&symbols);
        } else {
            self.merge_long(&symbols, out);
        }
    }

    #[inline]
    fn rank(&self, a: u32, b: u32) -> Option<(u32, u32)> {
        self.merges.get(&pair(a, b)).copied()
    }

    /// Merge in place by rescanning the pairs' ranks: O(n^2), fast for the usual short word.
    fn merge_short(&self, symbols: &mut Vec<u32>) {
        if symbols.len() < 2 {
            return;
        }
        // ranks[i]: the merge of (symbols[i], symbols[i + 1]), if any.
        let mut ranks: Vec<Option<(u32, u32)>> = symbols.windows(2).map(|w| self.rank(w[0], w[1])).collect();
        loop {
            let mut best: Option<(usize, u32, u32)> = None;
            for (i, r) in ranks.iter().enumerate() {
                if let Some((rank, merged)) = *r {
                    if best.is_none_or(|(_, b, _)| rank < b) {
                        best = Some((i, rank, merged));
                    }
                }
            }
            let Some((i, _, merged)) = best else { return };
            symbols[i] = merged;
            symbols.remove(i + 1);
            ranks.remove(i);
            if i + 1 < symbols.len() {
                ranks[i] = self.rank(merged, symbols[i + 1]);
            }
            if i > 0 {
                ranks[i - 1] = self.rank(symbols[i - 1], merged);
            }
        }
    }

    /// Merge with a heap of candidate pairs over a linked list: O(n log n) for long words.
    fn merge_long(&self, initial: &[u32], out: &mut Vec<u32>) {
        let n = initial.len();
        let mut id = initial.to_vec();
        let mut alive = vec![true; n];
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut next: Vec<usize> = (1..=n).collect();
        // (rank, left position, merged id); stale entries are skipped when popped.
        let mut heap = BinaryHeap::new();
        for i in 0..n - 1 {
            if let Some((rank, merged)) = self.rank(id[i], id[i + 1]) {
                heap.push(Reverse((rank, i, merged)));
            }
        }
        while let Some(Reverse((rank, i, merged))) = heap.pop() {
            let j = next[i];
            if !alive[i] || j >= n || self.rank(id[i], id[j]) != Some((rank, merged)) {
                continue;
            }
            id[i] = merged;
            alive[j] = false;
            next[i] = next[j];
            if next[i] < n {
                prev[next[i]] = i;
                if let Some((r, m)) = self.rank(merged, id[next[i]]) {
                    heap.push(Reverse((r, i, m)));
                }
            }
            let p = prev[i];
            if p < n {
                if let Some((r, m)) = self.rank(id[p], merged) {
                    heap.push(Reverse((r, p, m)));
                }
            }
        }
        let mut i = 0;
        while i < n {
            out.push(id[i]);
            i = next[i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model over the bytes of `alphabet`, ids in order, and merges given as strings.
    fn model(alphabet: &str, merges: &[(&str, &str)], ignore_merges: bool) -> (BpeModel, FxHashMap<Vec<u8>, u32>) {
        let mut vocab: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        for b in alphabet.bytes() {
            let n = vocab.len() as u32;
            vocab.entry(vec![b]).or_insert(n);
        }
        let mut ids = Vec::new();
        for (a, b) in merges {
            let merged = [a.as_bytes(), b.as_bytes()].concat();
            let n = vocab.len() as u32;
            let m = *vocab.entry(merged).or_insert(n);
            ids.push((vocab[a.as_bytes()], vocab[b.as_bytes()], m));
        }
        (BpeModel::new(vocab.clone(), &ids, ignore_merges), vocab)
    }

    fn tokens(m: &BpeModel, vocab: &FxHashMap<Vec<u8>, u32>, word: &str) -> Vec<String> {
        let names: FxHashMap<u32, String> =
            vocab.iter().map(|(k, v)| (*v, String::from_utf8(k.clone()).unwrap())).collect();
        let mut out = Vec::new();
        m.encode_word(word.as_bytes(), &mut out);
        out.iter().map(|i| names[i].clone()).collect()
    }

    #[test]
    fn byte_alphabet_is_gpt2s() {
        assert_eq!(byte_char(b'A'), 'A');
        assert_eq!(byte_char(b' '), 'Ġ');
        assert_eq!(byte_char(b'\n'), 'Ċ');
        assert_eq!(byte_char(0), '\u{100}');
        assert_eq!(byte_char(0xAD), '\u{143}');
        let all: std::collections::HashSet<char> = (0..=255u8).map(byte_char).collect();
        assert_eq!(all.len(), 256);
    }

    #[test]
    fn lowest_rank_merges_first() {
        // "bc" outranks "ab": "abc" -> a + bc, though "ab" is leftmost.
        let (m, v) = model("abc", &[("b", "c"), ("a", "b")], false);
        assert_eq!(tokens(&m, &v, "abc"), ["a", "bc"]);
        let (m, v) = model("abc", &[("a", "b"), ("b", "c")], false);
        assert_eq!(tokens(&m, &v, "abc"), ["ab", "c"]);
    }

    #[test]
    fn leftmost_among_equal_ranks() {
        let (m, v) = model("a", &[("a", "a")], false);
        assert_eq!(tokens(&m, &v, "aaa"), ["aa", "a"]);
        let (m, v) = model("a", &[("a", "a"), ("aa", "aa")], false);
        assert_eq!(tokens(&m, &v, "aaaaa"), ["aaaa", "a"]);
    }

    #[test]
    fn a_pair_listed_twice_keeps_its_last_rank() {
        let (m, v) = model("abc", &[("a", "b"), ("b", "c"), ("a", "b")], false);
        assert_eq!(tokens(&m, &v, "abc"), ["a", "bc"]);
    }

    #[test]
    fn ignore_merges_takes_whole_words() {
        let (mut m, mut v) = model("abc", &[("a", "b"), ("b", "c")], true);
        v.insert(b"abc".to_vec(), 99);
        m.vocab.insert(b"abc".to_vec(), 99);
        let mut out = Vec::new();
        m.encode_word(b"abc", &mut out);
        assert_eq!(out, [99]);
        m.ignore_merges = false;
        assert_eq!(tokens(&m, &v, "abc"), ["ab", "c"]);
    }

    #[test]
    fn bytes_missing_from_the_vocabulary_are_dropped() {
        let (m, v) = model("ab", &[("a", "b")], false);
        assert_eq!(tokens(&m, &v, "axb"), ["ab"]);
    }

    #[test]
    fn long_words_merge_like_short_ones() {
        let (m, _) = model("abcd", &[("a", "b"), ("c", "d"), ("b", "c"), ("ab", "cd"), ("a", "a"), ("d", "a"), ("abcd", "a")], false);
        let mut seed = 12345u64;
        for len in [2, 3, 10, 47, 48, 49, 50, 200, 1000] {
            for _ in 0..20 {
                let word: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        b"abcd"[(seed >> 33) as usize % 4]
                    })
                    .collect();
                let initial: Vec<u32> = word.iter().filter_map(|&b| m.byte_ids[b as usize]).collect();
                let mut short = initial.clone();
                m.merge_short(&mut short);
                let mut long = Vec::new();
                m.merge_long(&initial, &mut long);
                assert_eq!(short, long, "word {:?}", String::from_utf8_lossy(&word));
            }
        }
    }
}
