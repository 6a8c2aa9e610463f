//! The embedded name lists (../data/names, ../data/places), loaded once.
//! (Skeleton: being written.)
