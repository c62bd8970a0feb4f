//! Union-find over document indices whose roots are always the smallest index of their set.
//!
//! `union` hangs the larger root under the smaller one, so by induction every root is the minimum
//! of its set; `find(i)` therefore names i's cluster by its smallest member, whatever the order
//! of the unions (and hence whatever the thread count that produced them).

/// Disjoint sets of `0..n`.
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        Self { parent: (0..n as u32).collect() }
    }

    /// The smallest member of `x`'s set (with path halving).
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Merge the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }

    /// `find` of every element.
    pub fn into_roots(mut self) -> Vec<u32> {
        for i in 0..self.parent.len() as u32 {
            let r = self.find(i);
            self.parent[i as usize] = r;
        }
        self.parent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_the_smallest_members_whatever_the_order() {
        let edges = [(5u32, 3u32), (7, 5), (1, 9), (9, 8), (2, 2)];
        let mut a = UnionFind::new(10);
        let mut b = UnionFind::new(10);
        edges.iter().for_each(|&(x, y)| a.union(x, y));
        edges.iter().rev().for_each(|&(x, y)| b.union(y, x));
        let want = vec![0, 1, 2, 3, 4, 3, 6, 3, 1, 1];
        assert_eq!(a.into_roots(), want);
        assert_eq!(b.into_roots(), want);
    }
}
