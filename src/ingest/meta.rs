//! Title, date and lede. (Skeleton: being written.)
