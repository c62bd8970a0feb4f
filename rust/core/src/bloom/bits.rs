//! The bit array of a Bloom filter: owned atomic words, or words memory-mapped read-only from a file.
//!
//! Owned words are `AtomicU64`: setting a bit is one `fetch_or`, so any number of threads insert
//! and query at once without a lock. They live in an anonymous memory mapping (see
//! [`Bits::zeroed`]), page aligned, so a block of the blocked layout is exactly one cache line.
//! Mapped words are plain little-endian `u64`s in a read-only mapping: loading a large filter only
//! to query it costs no copy and no memory beyond the page cache (the file header keeps them
//! 64-byte aligned too).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{invalid, Result};

/// Where the words live.
pub(crate) enum Bits {
    /// `words` words at the start of an anonymous (zero-filled, page-aligned) mapping.
    Owned { map: memmap2::MmapRaw, words: usize },
    Mapped { map: memmap2::Mmap, offset: usize, words: usize },
}

/// Read access to words, whatever their storage; monomorphised so that hot loops do not branch.
pub(crate) trait Words: Sync {
    fn word(&self, i: usize) -> u64;
    /// Ask for the cache line holding word `i` ahead of its use (a hint; no-op off x86-64).
    fn prefetch(&self, i: usize);
}

#[inline(always)]
fn prefetch_line<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Words for [AtomicU64] {
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        self[i].load(Ordering::Relaxed)
    }
    #[inline(always)]
    fn prefetch(&self, i: usize) {
        prefetch_line(self.as_ptr().wrapping_add(i));
    }
}

impl Words for [u64] {
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        u64::from_le(self[i])
    }
    #[inline(always)]
    fn prefetch(&self, i: usize) {
        prefetch_line(self.as_ptr().wrapping_add(i));
    }
}

impl Bits {
    /// `words` zeroed words, or an error (not an abort) when the memory cannot be had.
    ///
    /// The words are an anonymous mapping: page aligned (so cache-line aligned), zero-filled by the
    /// kernel page by page on first touch (a large filter costs nothing until used) and, on Linux,
    /// advised to use transparent huge pages. Random probes over a filter far bigger than the
    /// caches miss the TLB on nearly every access with 4 KiB pages; 2 MiB pages avoid most of that.
    pub(crate) fn zeroed(words: usize) -> Result<Self> {
        let bytes = words.checked_mul(8).filter(|&b| b <= isize::MAX as usize);
        let cannot = || invalid(format!("cannot allocate {} bytes for a Bloom filter", words.saturating_mul(8)));
        let map: memmap2::MmapRaw =
            memmap2::MmapMut::map_anon(bytes.ok_or_else(cannot)?.max(1)).map_err(|_| cannot())?.into();
        #[cfg(target_os = "linux")]
        // Only advice: without transparent huge pages the filter works the same, with 4 KiB pages.
        let _ = map.advise(memmap2::Advice::HugePage);
        Ok(Bits::Owned { map, words })
    }

    /// Owned words holding a copy of `source`.
    pub(crate) fn copy_of<W: Words + ?Sized>(source: &W, words: usize) -> Result<Self> {
        let bits = Self::zeroed(words)?;
        if let Some(dst) = bits.atomics() {
            for (i, w) in dst.iter().enumerate() {
                w.store(source.word(i), Ordering::Relaxed);
            }
        }
        Ok(bits)
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Bits::Owned { words, .. } | Bits::Mapped { words, .. } => *words,
        }
    }

    /// The words for writing, or `None` for a read-only mapping.
    pub(crate) fn atomics(&self) -> Option<&[AtomicU64]> {
        match self {
            Bits::Owned { map, words } => {
                // SAFETY: the mapping is readable and writable, page aligned, at least `8 * words`
                // bytes long, zero-filled (a valid `AtomicU64` pattern), owned by `self` and only
                // ever accessed through these atomics; `MmapRaw`'s pointer allows writes.
                Some(unsafe { std::slice::from_raw_parts(map.as_mut_ptr().cast::<AtomicU64>(), *words) })
            }
            Bits::Mapped { .. } => None,
        }
    }

    /// The mapped words (aligned: the mapping is page-aligned and the header a multiple of 8 bytes).
    pub(crate) fn mapped(&self) -> Option<&[u64]> {
        match self {
            Bits::Owned { .. } => None,
            Bits::Mapped { map, offset, words } => {
                // SAFETY: every bit pattern is a valid u64; alignment is checked by `align_to`.
                let (head, body, _) = unsafe { map[*offset..].align_to::<u64>() };
                debug_assert!(head.is_empty());
                Some(&body[..*words])
            }
        }
    }

    /// Call `f` with the words as a [`Words`] of the right concrete type.
    #[inline]
    pub(crate) fn with<R>(&self, f: impl WordsFn<R>) -> R {
        match self.atomics() {
            Some(w) => f.call(w),
            None => f.call(self.mapped().unwrap_or(&[])),
        }
    }
}

/// A function generic over the word storage (closures cannot be generic, traits can).
pub(crate) trait WordsFn<R> {
    fn call<W: Words + ?Sized>(self, words: &W) -> R;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_and_copied() {
        let b = Bits::zeroed(4).unwrap();
        b.atomics().unwrap()[2].fetch_or(5, Ordering::Relaxed);
        let c = Bits::copy_of(b.atomics().unwrap(), 4).unwrap();
        assert_eq!(c.atomics().unwrap()[2].load(Ordering::Relaxed), 5);
        assert_eq!(c.len(), 4);
        assert!(c.mapped().is_none());
        let big = Bits::zeroed(1001).unwrap();
        let w = big.atomics().unwrap();
        assert_eq!((w.len(), w.as_ptr() as usize % 64), (1001, 0));
        w.prefetch(1000);
        assert_eq!(w.word(1000), 0);
    }
}
