//! Time the phases of a MinHash signature (CPU time of this thread): `cargo run --release --example minhash_phases`.
use dolma_tools_core::minhash::{shingle::for_each_word, MinHasher, ShingleConfig};
use dolma_tools_core::hash::hash64;

/// CPU time of this thread in ns (/proc/thread-self/schedstat), so that a loaded machine does not skew it.
struct Instant(u64);
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat").unwrap().split(' ').next().unwrap().parse().unwrap()
}
impl Instant {
    fn now() -> Self { Instant(cpu_ns()) }
    fn elapsed(&self) -> std::time::Duration { std::time::Duration::from_nanos(cpu_ns() - self.0) }
}

fn main() {
    let words: Vec<&str> = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their corpus dataset training model language token filter quality duplicate pipeline research".split(' ').collect();
    let mut state = 1u64;
    let mut rnd = || { state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (state >> 33) as usize };
    let docs: Vec<String> = (0..2000).map(|_| {
        let mut s = String::new();
        while s.len() < 3000 {
            let k = 6 + rnd() % 18;
            let mut sent: Vec<String> = (0..k).map(|_| words[rnd() % words.len()].to_string()).collect();
            sent[0] = sent[0][..1].to_uppercase() + &sent[0][1..];
            s.push_str(&sent.join(" "));
            s.push_str(". ");
        }
        s
    }).collect();
    let m = MinHasher::new(112, 1, ShingleConfig::default()).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let mut total = 0usize;
        let mut hs = Vec::new();
        for d in &docs { hs = m.shingle_hashes(d); total += hs.len(); }
        let t_hash = t.elapsed().as_secs_f64() / docs.len() as f64;
        let cfg = ShingleConfig::default();
        let mut buf = Vec::new();
        let t = Instant::now();
        let mut nw = 0usize;
        for d in &docs { for_each_word(d, &cfg, &mut buf, |w| nw += w.len()); }
        let t_tok = t.elapsed().as_secs_f64() / docs.len() as f64;
        let t = Instant::now();
        let mut acc = 0u64;
        for d in &docs { for_each_word(d, &cfg, &mut buf, |w| acc ^= hash64(w, 1)); }
        let t_wh = t.elapsed().as_secs_f64() / docs.len() as f64;
        println!("tokenise {:.2} us, tokenise+word hash {:.2} us ({nw} {acc})", t_tok * 1e6, t_wh * 1e6);
        let t = Instant::now();
        let mut sig = vec![0u32; 112];
        for _ in &docs { m.signature_of_hashes(&hs, &mut sig).unwrap(); }
        let t_fold = t.elapsed().as_secs_f64() / docs.len() as f64;
        let t = Instant::now();
        let s: Vec<u32> = docs[..1000].iter().flat_map(|d| m.signature(d)).collect();
        let t_all = t.elapsed().as_secs_f64() / 1000.0;
        println!("shingles/doc {} shingle hashing {:.2} us, fold {:.2} us, signature 1 thread {:.2} us {}", total / docs.len(), t_hash * 1e6, t_fold * 1e6, t_all * 1e6, s[0]);
    }
}
