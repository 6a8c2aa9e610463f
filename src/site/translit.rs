//! KMU 2010 transliteration and slugs. (Skeleton: being written.)
