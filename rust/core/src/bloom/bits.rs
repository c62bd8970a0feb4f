//! The bit array of a Bloom filter: owned atomic words, or words memory-mapped read-only from a file.
//!
//! Owned words are `AtomicU64`: setting a bit is one `fetch_or`, so any number of threads insert
//! and query at once without a lock. Mapped words are plain little-endian `u64`s in a read-only
//! mapping: loading a large filter only to query it costs no copy and no memory beyond the page
//! cache.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{invalid, Result};

/// Where the words live.
pub(crate) enum Bits {
    Owned(Box<[AtomicU64]>),
    Mapped { map: memmap2::Mmap, offset: usize, words: usize },
}

/// Read access to words, whatever their storage; monomorphised so that hot loops do not branch.
pub(crate) trait Words: Sync {
    fn word(&self, i: usize) -> u64;
}

impl Words for [AtomicU64] {
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        self[i].load(Ordering::Relaxed)
    }
}

impl Words for [u64] {
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        u64::from_le(self[i])
    }
}

impl Bits {
    /// `words` zeroed words, or an error (not an abort) when the memory cannot be had.
    pub(crate) fn zeroed(words: usize) -> Result<Self> {
        let mut v: Vec<AtomicU64> = Vec::new();
        v.try_reserve_exact(words)
            .map_err(|_| invalid(format!("cannot allocate {} bytes for a Bloom filter", words * 8)))?;
        v.resize_with(words, || AtomicU64::new(0));
        Ok(Bits::Owned(v.into_boxed_slice()))
    }

    /// Owned words holding a copy of `source`.
    pub(crate) fn copy_of<W: Words + ?Sized>(source: &W, words: usize) -> Result<Self> {
        let bits = Self::zeroed(words)?;
        if let Bits::Owned(dst) = &bits {
            for (i, w) in dst.iter().enumerate() {
                w.store(source.word(i), Ordering::Relaxed);
            }
        }
        Ok(bits)
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Bits::Owned(w) => w.len(),
            Bits::Mapped { words, .. } => *words,
        }
    }

    /// The words for writing, or `None` for a read-only mapping.
    pub(crate) fn atomics(&self) -> Option<&[AtomicU64]> {
        match self {
            Bits::Owned(w) => Some(w),
            Bits::Mapped { .. } => None,
        }
    }

    /// The mapped words (aligned: the mapping is page-aligned and the header a multiple of 8 bytes).
    pub(crate) fn mapped(&self) -> Option<&[u64]> {
        match self {
            Bits::Owned(_) => None,
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
    }
}
