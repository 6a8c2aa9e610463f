//! Where each person's document is among the index's documents: a place (*slot*) that depends
//! on the person's name and on the number of people only, so that a person named for the first
//! time (or no longer named) moves no other document but a neighbour or two.
//!
//! The documents are the articles, oldest first, then (from the next multiple of
//! [`ARTICLES_ROOM`], so that the usual edit, an article added on the newest day, moves no
//! person either) [`Slots::capacity`] slots for the people.
//! Each person's *home* is a hash of their name modulo the capacity; in the order of (home,
//! name), each takes its home or, when that is taken, the next free slot (linear probing laid
//! out in a canonical order, so the table is a function of the set of names, whatever the
//! order they came in). The capacity is the smallest power of two at least 4/3 of the number of
//! people (at least [`MIN_CAPACITY`]), doubled while the last person would fall past the end.
//! A person added then moves only the people after their home in the same run of taken slots
//! (a couple at this load), where numbering people alphabetically moved every person after
//! them, and so every shard and document chunk that held one; a change of capacity (the
//! number of people crossing a power of two) moves them all.
//!
//! Slots are in no useful order: the people's alphabetical order, which the search page breaks
//! ties by, is written beside the index (`search/p.json`, [`Slots::alphabetical`]).

/// The smallest capacity.
pub const MIN_CAPACITY: usize = 8;

/// The people's slots begin at the first multiple of this after the last article (the
/// documents between are empty), so that an article added moves no person's document until
/// the articles reach that multiple.
pub const ARTICLES_ROOM: usize = 1024;

/// The document number of the first slot after `articles` articles (the articles themselves
/// when there is no slot).
pub fn start(articles: usize, slots: &Slots) -> usize {
    if slots.capacity() == 0 {
        articles
    } else {
        (articles / ARTICLES_ROOM + 1) * ARTICLES_ROOM
    }
}

/// No person in a slot.
const EMPTY: u32 = u32::MAX;

/// The slots of a list of people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    /// The person (index in the list) in each slot.
    at: Vec<u32>,
    /// Each person's slot.
    of: Vec<u32>,
}

impl Slots {
    /// The slots of the people named `names` (in the list's order, which is alphabetical on a
    /// site; names are distinct).
    pub fn of<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> Slots {
        let mut homed: Vec<(u64, &str, u32)> = names
            .enumerate()
            .map(|(i, n)| (xxhash_rust::xxh3::xxh3_64(n.as_bytes()), n, i as u32))
            .collect();
        let people = homed.len();
        if people == 0 {
            return Slots {
                at: Vec::new(),
                of: Vec::new(),
            };
        }
        let mut capacity = (people * 4)
            .div_ceil(3)
            .next_power_of_two()
            .max(MIN_CAPACITY);
        loop {
            let cap = capacity as u64;
            homed.sort_unstable_by(|a, b| (a.0 % cap, a.1).cmp(&(b.0 % cap, b.1)));
            let mut at = vec![EMPTY; capacity];
            let mut of = vec![0u32; people];
            let mut next = 0usize;
            let mut fits = true;
            for &(h, _, i) in &homed {
                let slot = ((h % cap) as usize).max(next);
                if slot >= capacity {
                    fits = false;
                    break;
                }
                at[slot] = i;
                of[i as usize] = slot as u32;
                next = slot + 1;
            }
            if fits {
                return Slots { at, of };
            }
            capacity *= 2;
        }
    }

    /// How many slots (documents after the articles).
    pub fn capacity(&self) -> usize {
        self.at.len()
    }

    /// The person in slot `s`, if any.
    pub fn person_at(&self, s: usize) -> Option<usize> {
        self.at.get(s).filter(|&&p| p != EMPTY).map(|&p| p as usize)
    }

    /// The person whose document is document `d` of an index of `articles` articles, if any
    /// ([`start`]).
    pub fn person_of(&self, articles: usize, d: usize) -> Option<usize> {
        self.person_at(d.checked_sub(start(articles, self))?)
    }

    /// Person `p`'s slot.
    pub fn slot_of(&self, p: usize) -> Option<usize> {
        self.of.get(p).map(|&s| s as usize)
    }

    /// The people's slots in the list's order (alphabetical on a site).
    pub fn alphabetical(&self) -> &[u32] {
        &self.of
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("Особа {i}")).collect()
    }

    fn slots(names: &[String]) -> Slots {
        Slots::of(names.iter().map(String::as_str))
    }

    #[test]
    fn every_person_has_a_slot_of_their_own() {
        for n in [0, 1, 7, 8, 100, 999, 3000] {
            let list = names(n);
            let s = slots(&list);
            if n == 0 {
                assert_eq!(s.capacity(), 0);
            } else {
                assert!(s.capacity() >= n * 4 / 3 && s.capacity().is_power_of_two());
                assert!(s.capacity() >= MIN_CAPACITY);
            }
            let mut seen = vec![false; s.capacity()];
            for p in 0..n {
                let slot = s.slot_of(p).unwrap();
                assert!(!seen[slot], "{n}: slot {slot} twice");
                seen[slot] = true;
                assert_eq!(s.person_at(slot), Some(p));
            }
            assert_eq!(
                (0..s.capacity())
                    .filter(|&k| s.person_at(k).is_some())
                    .count(),
                n
            );
            assert_eq!(s.alphabetical().len(), n);
        }
    }

    #[test]
    fn the_slots_depend_on_the_set_of_names_not_their_order() {
        let list = names(500);
        let mut shuffled = list.clone();
        shuffled.reverse();
        shuffled.swap(3, 250);
        let (a, b) = (slots(&list), slots(&shuffled));
        assert_eq!(a.capacity(), b.capacity());
        for (p, name) in list.iter().enumerate() {
            let q = shuffled.iter().position(|n| n == name).unwrap();
            assert_eq!(a.slot_of(p), b.slot_of(q), "{name}");
        }
    }

    #[test]
    fn a_person_added_moves_few_others() {
        // 998 people and one more, as a rebuild after an edit that names someone new: the
        // capacity stays, and at most a short run of people after the new one's home move.
        let list = names(998);
        let before = slots(&list);
        let mut more = list.clone();
        more.push("Нова Особа".to_string());
        let after = slots(&more);
        assert_eq!(before.capacity(), after.capacity());
        let moved = (0..list.len())
            .filter(|&p| before.slot_of(p) != after.slot_of(p))
            .count();
        assert!(moved <= 12, "{moved} people moved");
        // Numbered alphabetically, every person after the new one would have moved.
    }
}
