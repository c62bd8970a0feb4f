//! Union-find over document indices whose roots are always the smallest index of their set.
//!
//! `union` hangs the larger root under the smaller one, so by induction every root is the minimum
//! of its set; `find(i)` therefore names i's cluster by its smallest member, whatever the order
//! of the unions (and hence whatever the thread count, band order or link file that produced
//! them). The parents live in a borrowed slice of `u32` (in-memory clustering, 4 bytes a
//! document) or `u64` (the out-of-core path, a numpy array owned by Python: 8 bytes a document).

/// A document index usable as a union-find parent.
pub trait Ordinal: Copy + Ord {
    fn ix(self) -> usize;
}

impl Ordinal for u32 {
    fn ix(self) -> usize {
        self as usize
    }
}

impl Ordinal for u64 {
    fn ix(self) -> usize {
        self as usize
    }
}

/// Disjoint sets of `0..parent.len()`; `parent` starts as the identity.
pub struct UnionFind<'a, T: Ordinal> {
    parent: &'a mut [T],
}

impl<'a, T: Ordinal> UnionFind<'a, T> {
    /// Sets over `parent` (`parent[i] == i` for a fresh start, or the state of earlier unions).
    pub fn new(parent: &'a mut [T]) -> Self {
        Self { parent }
    }

    /// The smallest member of `x`'s set (with path halving).
    pub fn find(&mut self, mut x: T) -> T {
        while self.parent[x.ix()] != x {
            let grand = self.parent[self.parent[x.ix()].ix()];
            self.parent[x.ix()] = grand;
            x = grand;
        }
        x
    }

    /// Merge the sets of `a` and `b`.
    pub fn union(&mut self, a: T, b: T) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi.ix()] = lo;
        }
    }

    /// Replace every parent by its root: `parent[i]` is then the smallest member of i's set.
    pub fn flatten(self) {
        // Roots are smaller than their members, so one ascending pass sees each parent final.
        for i in 0..self.parent.len() {
            let p = self.parent[i];
            self.parent[i] = self.parent[p.ix()];
        }
    }
}

/// The smallest member of each element's set after the unions `links`, over `0..n`.
pub fn roots_of(n: usize, links: impl IntoIterator<Item = (u32, u32)>) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut uf = UnionFind::new(&mut parent);
    links.into_iter().for_each(|(a, b)| uf.union(a, b));
    uf.flatten();
    parent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_the_smallest_members_whatever_the_order() {
        let edges = [(5u32, 3u32), (7, 5), (1, 9), (9, 8), (2, 2)];
        let want = vec![0, 1, 2, 3, 4, 3, 6, 3, 1, 1];
        assert_eq!(roots_of(10, edges), want);
        assert_eq!(roots_of(10, edges.iter().rev().map(|&(x, y)| (y, x))), want);
        // The same over u64 parents, in two rounds of unions.
        let mut parent: Vec<u64> = (0..10).collect();
        let mut uf = UnionFind::new(&mut parent);
        edges[..2].iter().for_each(|&(x, y)| uf.union(x as u64, y as u64));
        let mut uf = UnionFind::new(&mut parent);
        edges[2..].iter().for_each(|&(x, y)| uf.union(x as u64, y as u64));
        uf.flatten();
        assert_eq!(parent, want.iter().map(|&x| x as u64).collect::<Vec<_>>());
    }
}
