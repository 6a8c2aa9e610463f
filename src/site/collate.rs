//! Ukrainian alphabetical order. (Skeleton: being written.)
