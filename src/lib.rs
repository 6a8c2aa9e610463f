//! Litopys: a static-site generator for news digests.
//!
//! Data flows one way: raw text → [`ingest`] (decode, clean, [`people`] extraction) →
//! Markdown with front matter ([`content`]) → [`site`] model → [`render`] (Tera) → [`output`]
//! (`public/`). [`build`] ties the pipeline together; [`serve`] wraps it with a local server.

pub mod build;
pub mod config;
pub mod content;
pub mod date;
pub mod folder;
pub mod hash;
pub mod ingest;
pub mod mapped;
pub mod nfc;
pub mod output;
pub mod people;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
#[cfg(test)]
mod testrand;
pub mod timings;
pub mod yaml;
