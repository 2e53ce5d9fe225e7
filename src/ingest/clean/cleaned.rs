//! What cleaning gives back: the paragraphs kept, each span removed and
//! why, and the articles split off the page.

/// The cleaned text of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// The article's paragraphs in reading order, each on one line.
    pub paragraphs: Vec<String>,
    /// What was removed from the article, in order.
    pub removed: Vec<Removed>,
    /// Other articles appended to the page, split off.
    pub appended: Vec<Appended>,
}

/// A span of text that cleaning removed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub text: String,
    /// The name of the rule or heuristic that removed it.
    pub rule: String,
    /// Whether the text may tell the publication date (a date stamp line).
    pub date: bool,
    /// Whether the text came from outside the article's own text (a
    /// related-articles section), so that it says nothing about the
    /// article's outlet or date.
    pub outside: bool,
}

/// An article that an aggregator appended to the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appended {
    /// The outlet the block names, as written ("Spectator").
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub paragraphs: Vec<String>,
    pub removed: Vec<Removed>,
}

/// A paragraph and its position in the text, so that removals can be
/// listed in reading order whichever rule found them.
pub type Numbered = (usize, String);
