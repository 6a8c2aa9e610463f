//! Ukrainian name morphology: inflected given names, patronymics and surnames → nominative.
//! (Skeleton: being written.)

use super::Gender;

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
}

/// A reading of a token as a given name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenForm {
    pub nominative: String,
    pub gender: Gender,
    pub cases: Cases,
}

/// Readings of `token` as a (possibly inflected) given name.
pub fn given_name(_token: &str) -> Vec<GivenForm> {
    Vec::new()
}

/// Reading of `token` as a patronymic: its gender and cases.
pub fn patronymic(_token: &str) -> Option<(Gender, Cases)> {
    None
}

/// The most likely nominative of an inflected surname `token` for a person of `gender`,
/// whose case is one of `cases`.
pub fn surname_nominative(token: &str, _gender: Gender, _cases: Cases) -> String {
    token.to_string()
}

/// A person's name canonicalised from one mention span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// Nominative given name, when the span has one (initials are not given names).
    pub given: Option<String>,
    /// Nominative surname with its particles («Ланглад де Монгро»), when the span has one.
    pub surname: Option<String>,
    pub gender: Gender,
    /// The display name: «Given Surname», or whichever of the two exists.
    pub full: String,
}

/// Canonicalises the text of one mention span («Стівом Віткоффом», «В. Ф. Януковича»,
/// «Зеленський Володимир Олександрович», «МАШКОВСЬКИЙ») to a nominative name. `case_hint`
/// narrows the possible cases when the context tells them (a preposition or role noun before
/// the span); pass [`Cases::ALL`] when unknown.
pub fn canonicalize(span: &str, _case_hint: Cases) -> Canonical {
    Canonical {
        given: None,
        surname: Some(span.to_string()),
        gender: Gender::Unknown,
        full: span.to_string(),
    }
}
