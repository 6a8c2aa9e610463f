//! [`Cases`], a set of grammatical cases. A file of its own because the build script
//! (`build.rs`) compiles the declension code of [`super::infl`], which uses it.

/// A set of grammatical cases (bit flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cases(pub u8);

impl Cases {
    pub const NOM: Cases = Cases(1);
    pub const GEN: Cases = Cases(2);
    pub const DAT: Cases = Cases(4);
    pub const ACC: Cases = Cases(8);
    pub const INS: Cases = Cases(16);
    pub const LOC: Cases = Cases(32);
    pub const VOC: Cases = Cases(64);
    pub const ALL: Cases = Cases(127);
    /// The seven single cases in table order.
    pub const EACH: [Cases; 7] = [
        Cases::NOM,
        Cases::GEN,
        Cases::DAT,
        Cases::ACC,
        Cases::INS,
        Cases::LOC,
        Cases::VOC,
    ];
    pub fn contains(self, other: Cases) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: Cases) -> bool {
        self.0 & other.0 != 0
    }
    pub fn union(self, other: Cases) -> Cases {
        Cases(self.0 | other.0)
    }
    pub fn intersect(self, other: Cases) -> Cases {
        Cases(self.0 & other.0)
    }
    /// No case at all.
    pub fn is_empty(self) -> bool {
        self.0 & 127 == 0
    }
}
