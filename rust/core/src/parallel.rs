//! The thread pool every parallel call of the core runs on, safe across `fork()`.
//!
//! Rayon's global pool does not survive `fork()`: the child inherits the pool's bookkeeping but
//! not its threads, and the first parallel call hangs. Python workers are often forked
//! (`multiprocessing`), so the core never touches the global pool. It keeps its own pool,
//! remembers the process id that built it, and builds a fresh one when it finds itself in
//! another process. The stale pool of the parent is leaked on purpose: dropping it would try to
//! wake threads that do not exist in the child.

use std::sync::{Arc, Mutex};

use rayon::{ThreadPool, ThreadPoolBuilder};

struct PoolSlot {
    pid: u32,
    threads: usize,
    pool: Arc<ThreadPool>,
}

static POOL: Mutex<Option<PoolSlot>> = Mutex::new(None);
static REQUESTED: Mutex<Option<usize>> = Mutex::new(None);

/// Threads used when nothing was asked: `RAYON_NUM_THREADS` if set, else the available cores.
fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The number of threads parallel calls use.
pub fn num_threads() -> usize {
    let requested = *REQUESTED.lock().unwrap_or_else(|e| e.into_inner());
    requested.unwrap_or_else(default_threads)
}

/// Set the number of threads of later parallel calls; `None` goes back to the default.
pub fn set_num_threads(n: Option<usize>) -> crate::Result<()> {
    if n == Some(0) {
        return Err(crate::error::invalid("num_threads must be at least 1"));
    }
    *REQUESTED.lock().unwrap_or_else(|e| e.into_inner()) = n;
    Ok(())
}

fn pool() -> Arc<ThreadPool> {
    let threads = num_threads();
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = slot.as_ref() {
        if s.pid == pid && s.threads == threads {
            return Arc::clone(&s.pool);
        }
    }
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("dolma-tools-{i}"))
            .build()
            .unwrap_or_else(|_| {
                // Building a pool only fails when threads cannot be spawned; one thread still runs.
                ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool")
            }),
    );
    if let Some(old) = slot.replace(PoolSlot { pid, threads, pool: Arc::clone(&pool) }) {
        if old.pid != pid {
            std::mem::forget(old);
        }
    }
    pool
}

/// Run `op` on the core's pool: rayon parallel iterators inside it use that pool.
pub fn install<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    pool().install(op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn runs_parallel_work() {
        let s: u64 = install(|| (0..1000u64).into_par_iter().sum());
        assert_eq!(s, 499_500);
    }

    #[test]
    fn zero_threads_is_an_error() {
        assert!(set_num_threads(Some(0)).is_err());
    }
}
