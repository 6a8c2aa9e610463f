//! Evaluates person extraction on ner-uk. (Skeleton: being written.)
fn main() {}
