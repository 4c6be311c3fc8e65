//! Per-sequence storage that is cheap to snapshot.
//!
//! Logs grow by one entry per election or bound extension and are never truncated (TimeLock
//! does not truncate either). The simulator snapshots whole clusters for time travel, so the
//! log is a vector of shared fixed-size chunks: a snapshot copies one pointer per 64 entries,
//! and a write copies only the chunk it touches (copy-on-write).

use std::hash::{Hash, Hasher};
use std::rc::Rc;

const CHUNK: usize = 64;

/// A dense map from sequence number to `T`, with O(len/64) clones.
#[derive(Clone, Debug)]
pub struct SeqLog<T: Clone> {
    chunks: Vec<Rc<Vec<Option<T>>>>,
    greatest: Option<u64>,
    len: usize,
}

impl<T: Clone> Default for SeqLog<T> {
    fn default() -> Self {
        SeqLog {
            chunks: Vec::new(),
            greatest: None,
            len: 0,
        }
    }
}

impl<T: Clone + PartialEq> PartialEq for SeqLog<T> {
    fn eq(&self, other: &Self) -> bool {
        self.greatest == other.greatest && self.iter().eq(other.iter())
    }
}

/// Hashes the entries, not the chunking: equal logs hash equally (the model checker's state
/// fingerprints rely on it).
impl<T: Clone + Hash> Hash for SeqLog<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        for (seq, v) in self.iter() {
            seq.hash(state);
            v.hash(state);
        }
    }
}

impl<T: Clone> SeqLog<T> {
    /// The entry at `seq`, if present.
    pub fn get(&self, seq: u64) -> Option<&T> {
        let (c, i) = split(seq);
        self.chunks.get(c)?.get(i)?.as_ref()
    }

    /// Stores `value` at `seq`, returning the previous entry.
    pub fn insert(&mut self, seq: u64, value: T) -> Option<T> {
        let (c, i) = split(seq);
        while self.chunks.len() <= c {
            self.chunks.push(Rc::new(Vec::new()));
        }
        let chunk = Rc::make_mut(&mut self.chunks[c]);
        // Chunks grow only as far as their highest entry: a small log (the model checker's
        // states hold a handful of sequences) copies a few entries on write, not 64.
        if chunk.len() <= i {
            chunk.resize(i + 1, None);
        }
        let old = chunk[i].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        if self.greatest.is_none_or(|g| seq > g) {
            self.greatest = Some(seq);
        }
        old
    }

    /// Mutable access to the entry at `seq`, creating it with `make` if absent.
    pub fn entry_or_insert_with(&mut self, seq: u64, make: impl FnOnce() -> T) -> &mut T {
        if self.get(seq).is_none() {
            self.insert(seq, make());
        }
        let (c, i) = split(seq);
        Rc::make_mut(&mut self.chunks[c])[i]
            .as_mut()
            .expect("entry was just inserted")
    }

    /// Highest sequence holding an entry.
    pub fn greatest_seq(&self) -> Option<u64> {
        self.greatest
    }

    /// The highest entry and its sequence.
    pub fn greatest(&self) -> Option<(u64, &T)> {
        let g = self.greatest?;
        Some((g, self.get(g)?))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entries in sequence order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &T)> + '_ {
        self.iter_from(0)
    }

    /// Entries from `start` on, in sequence order.
    pub fn iter_from(&self, start: u64) -> impl Iterator<Item = (u64, &T)> + '_ {
        let (c0, _) = split(start);
        self.chunks
            .iter()
            .enumerate()
            .skip(c0)
            .flat_map(|(c, chunk)| {
                chunk
                    .iter()
                    .enumerate()
                    .filter_map(move |(i, v)| v.as_ref().map(|v| ((c * CHUNK + i) as u64, v)))
            })
            .filter(move |(s, _)| *s >= start)
    }

    /// Forgets everything (used only by the acceptor-forgets bug).
    pub fn clear(&mut self) {
        *self = SeqLog::default();
    }
}

fn split(seq: u64) -> (usize, usize) {
    let s = usize::try_from(seq).expect("sequence fits in usize");
    (s / CHUNK, s % CHUNK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_chunks_until_written() {
        let mut a = SeqLog::default();
        for s in 0..200 {
            a.insert(s, s * 10);
        }
        let snapshot = a.clone();
        a.insert(5, 0);
        assert_eq!(
            snapshot.get(5),
            Some(&50),
            "snapshot unaffected by later writes"
        );
        assert_eq!(a.get(5), Some(&0));
        assert!(
            Rc::ptr_eq(&a.chunks[2], &snapshot.chunks[2]),
            "untouched chunk shared"
        );
        assert_eq!(a.greatest(), Some((199, &1990)));
        assert_eq!(a.len(), 200);
    }

    #[test]
    fn iterates_from_a_start_and_skips_holes() {
        let mut a = SeqLog::default();
        a.insert(3, 'c');
        a.insert(70, 'x');
        a.insert(1, 'a');
        assert_eq!(
            a.iter_from(2).collect::<Vec<_>>(),
            vec![(3, &'c'), (70, &'x')]
        );
        assert_eq!(a.iter().count(), 3);
        assert_eq!(a.greatest_seq(), Some(70));
    }
}
