//! Cleaning raw text. (Skeleton: being written.)
