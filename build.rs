//! Build script: writes the surname table ([`people::keytable`]) of the shipped surname lists
//! in `data/names` and the place-form table ([`people::places`]) of the shipped КАТОТТГ list in
//! `data/places` to `OUT_DIR`, so the binary embeds them ready to use instead of building them
//! at every start. Nothing but the repository's own lists and the code's own rules goes in.

use std::path::PathBuf;

/// The parts of `src/people` the tables are made with, compiled here as they are in the crate.
#[allow(dead_code, unused_imports, unused_macros, clippy::all)]
#[path = "src/people"]
mod people {
    #[path = "cases.rs"]
    mod cases;
    #[path = "infl.rs"]
    pub mod infl;
    #[path = "keytable.rs"]
    pub mod keytable;
    #[path = "places.rs"]
    pub mod places;

    /// What `infl` uses of `morph`.
    pub mod morph {
        pub use super::cases::Cases;
    }

    /// `people::Gender` (the crate's derives serde's `Serialize` too, which is not needed here).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Gender {
        Male,
        Female,
        Unknown,
    }
}

fn main() {
    const TOP: &str = "data/names/uk-surnames-top5000.txt";
    const ALL: &str = "data/names/uk-surnames-all.txt";
    const PLACES: &str = "data/places/uk-admin-units.tsv";
    for f in [
        "build.rs",
        "src/people/cases.rs",
        "src/people/infl.rs",
        "src/people/keytable.rs",
        "src/people/places.rs",
        TOP,
        ALL,
        PLACES,
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let (keys, slots) = people::keytable::build(&read(TOP), &read(ALL));
    let (place_keys, place_slots) = people::places::build(&read(PLACES));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, bytes) in [
        ("surname-keys.bin", &keys),
        ("surname-slots.bin", &slots),
        ("place-keys.bin", &place_keys),
        ("place-slots.bin", &place_slots),
    ] {
        let path = out.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
