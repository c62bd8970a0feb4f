//! CPU time per document of each phase of a MinHash signature (112 permutations, word 5-grams,
//! ~3 KB English-like documents): `cargo run --release -p dolma-tools-core --example minhash_phases`.
//!
//! Each phase is repeated over 2,000 documents until it has run for at least 0.2 s, because the
//! per-thread CPU clock (/proc/thread-self/schedstat, so that a busy machine does not skew it)
//! only advances at scheduler ticks.
use dolma_tools_core::hash::hash64;
use dolma_tools_core::minhash::words::{for_each_word, WordScratch};
use dolma_tools_core::minhash::{MinHasher, ShingleConfig};

/// CPU time of this thread in ns.
fn cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    stat.split(' ').next().and_then(|t| t.parse().ok()).expect("schedstat CPU time")
}

/// Microseconds of CPU per document of `phase` (which handles all `n` documents once).
fn per_doc(n: usize, mut phase: impl FnMut()) -> f64 {
    let (start, mut runs) = (cpu_ns(), 0);
    while cpu_ns() - start < 200_000_000 {
        phase();
        runs += 1;
    }
    (cpu_ns() - start) as f64 / 1e3 / (runs * n) as f64
}

/// Documents of sentences drawn from a small vocabulary, capitalised and ending with '.'.
fn documents(n: usize) -> Vec<String> {
    let words: Vec<&str> = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their corpus dataset training model language token filter quality duplicate pipeline research".split(' ').collect();
    let mut state = 1u64;
    let mut rnd = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let mut s = String::new();
            while s.len() < 3000 {
                let k = 6 + rnd() % 18;
                let mut sent: Vec<String> = (0..k).map(|_| words[rnd() % words.len()].to_string()).collect();
                sent[0] = sent[0][..1].to_uppercase() + &sent[0][1..];
                s.push_str(&sent.join(" "));
                s.push_str(". ");
            }
            s
        })
        .collect()
}

fn main() {
    let docs = documents(2000);
    let n = docs.len();
    let cfg = ShingleConfig::default();
    let m = MinHasher::new(112, 1, cfg.clone()).unwrap();
    let mut scratch = WordScratch::default();
    let mut sink = 0u64;
    let hashes: Vec<Vec<u64>> = docs.iter().map(|d| m.shingle_hashes(d)).collect();
    let shingles = hashes.iter().map(Vec::len).sum::<usize>() / n;
    let mut sig = vec![0u32; 112];
    for _ in 0..2 {
        let words = per_doc(n, || {
            for d in &docs {
                for_each_word(d, &cfg, &mut scratch, |w| sink += w.len() as u64);
            }
        });
        let word_hashes = per_doc(n, || {
            for d in &docs {
                for_each_word(d, &cfg, &mut scratch, |w| sink ^= hash64(w, 1));
            }
        });
        let shingle_hashes = per_doc(n, || {
            for d in &docs {
                sink ^= m.shingle_hashes(d)[0];
            }
        });
        let fold = per_doc(n, || {
            for h in &hashes {
                m.signature_of_hashes(h, &mut sig).unwrap();
                sink ^= sig[0] as u64;
            }
        });
        // One document at a time on this thread (fresh buffers each: a little slower than a batch).
        let signature = per_doc(n, || {
            for d in &docs {
                sink ^= m.signature(d)[0] as u64;
            }
        });
        println!(
            "per doc ({shingles} shingles): words {words:.2} us, + word hashes {word_hashes:.2} us, \
             + shingle hashes {shingle_hashes:.2} us; fold {fold:.2} us; signature {signature:.2} us"
        );
    }
    println!("({sink})");
}
