//! People in text: the people one article names ([`extract`]), and which
//! names across an archive are one person ([`directory`]).

pub mod directory;
pub mod extract;
