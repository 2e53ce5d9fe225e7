//! Direct quotes and who said them: the sentences of an article that put
//! words in a given person's mouth.
//!
//! News prose attributes a quote in a handful of shapes, all read here:
//!
//! - after the quote: `"…," Mr Zelensky said.`, `"…", said Zelensky`,
//!   `"…?" asked Ukraine's President Volodymyr Zelensky`;
//! - before it, closed by a colon or a comma: `Mr Zelensky said: "…"`,
//!   `Speaking in Kyiv, Zelensky told reporters, "…"`;
//! - by a pronoun or an office (`"…," he said.`, `"…," the president
//!   added.`), taken as the person's only when the sentence before is about
//!   them and no one else the article names;
//! - quotes that go on: a sentence that opens with a quote and attributes it
//!   to no one continues the quote before it (`"…," he said. "…"`), as does
//!   a paragraph opening with a quote after one whose quote was left open.
//!
//! Precision comes before recall. A quoted word inside a sentence (a scare
//! quote, the title of a film), a quote of a single word, words given to a
//! spokesman *of* the person (`Zelensky's spokesman said`), and words
//! introduced by "said that" are not the person's quotes. Quotes are marked
//! by double quotes, straight or curly, or by curly single quotes; a
//! straight single quote is too often an apostrophe to be read as one.
//!
//! Pure code: no I/O, and any input gives an answer.

use std::ops::Range;

use crate::text::names::name_key;
use crate::text::names::same_word;
use crate::text::ner::tokenize::{Token, sentences, tokens};
use crate::text::people::extract::Rules;

/// A quote attributed to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, without the quote marks and the trailing comma.
    pub text: String,
    /// The sentence that holds the quote and its attribution.
    pub sentence: String,
    /// Where `text` is in the input, in bytes.
    pub span: Range<usize>,
    /// Where `sentence` is in the input, in bytes.
    pub sentence_span: Range<usize>,
}

/// Verbs that attribute a quote.
const SPEECH_VERBS: [&str; 44] = [
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "asks",
    "insisted",
    "insists",
    "explained",
    "explains",
    "warned",
    "warns",
    "stated",
    "states",
    "declared",
    "declares",
    "replied",
    "replies",
    "wrote",
    "writes",
    "noted",
    "notes",
    "argued",
    "argues",
    "admitted",
    "admits",
    "recalled",
    "recalls",
    "continued",
    "continues",
    "urged",
    "urges",
    "announced",
    "claimed",
    "claims",
    "stressed",
    "stresses",
    "conceded",
    "concedes",
    "acknowledged",
    "tweeted",
    "posted",
];

/// A quote must hold at least this many words: one quoted word is a scare
/// quote or a label far more often than speech.
const MIN_WORDS: usize = 2;

/// How many tokens may come between the verb and the colon or comma that
/// opens a quote: `told reporters in Kyiv on Tuesday:`.
const MAX_AFTER_VERB: usize = 8;

/// How many tokens a speaker's description may hold:
/// `Ukraine's President Volodymyr Zelensky`.
const MAX_SUBJECT: usize = 8;

/// The names of one person (or of a group of people): each spelling as
/// lowercase words, and the distinct surnames, for a quick first look.
#[derive(Debug, Clone, Default)]
pub struct Names {
    spellings: Vec<Vec<String>>,
    surnames: Vec<String>,
}

impl Names {
    /// Every spelling in `names`, as written or as name keys.
    pub fn new<S: AsRef<str>>(names: &[S]) -> Names {
        let spellings: Vec<Vec<String>> = names
            .iter()
            .map(|name| {
                name_key(name.as_ref())
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|words| !words.is_empty())
            .collect();
        let mut surnames: Vec<String> = spellings
            .iter()
            .filter_map(|words| words.last().cloned())
            .collect();
        surnames.sort();
        surnames.dedup();
        Names {
            spellings,
            surnames,
        }
    }

    /// Whether `words` (titles already removed) name this person: a full
    /// spelling, or the surname alone, one wrong letter allowed in long
    /// words as the directory allows it.
    fn is(&self, words: &[&str]) -> bool {
        if words.is_empty() {
            return false;
        }
        let words: Vec<String> = words.iter().map(|w| name_key(w)).collect();
        self.spellings.iter().any(|spelling| {
            let full = spelling.len() == words.len()
                && spelling.iter().zip(&words).all(|(a, b)| alike(a, b));
            let surname =
                words.len() == 1 && spelling.last().is_some_and(|last| alike(last, &words[0]));
            full || surname
        })
    }

    /// Whether any capitalised word of `words` is this person's surname.
    fn mentioned(&self, words: &[&str]) -> bool {
        words.iter().any(|word| {
            word.starts_with(char::is_uppercase) && {
                let key = name_key(word);
                self.surnames.iter().any(|surname| alike(surname, &key))
            }
        })
    }
}

/// [`same_word`], after the cheap tests that settle most pairs: equal, or
/// too different in length or first letter to be one.
fn alike(a: &str, b: &str) -> bool {
    a == b
        || (a.len().abs_diff(b.len()) <= 2
            && a.chars().next() == b.chars().next()
            && a.len().min(b.len()) >= 5
            && same_word(a, b))
}

/// Who an attribution names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    /// The person by name.
    Them,
    /// Someone else by name, or something that is not a person.
    Other,
    /// A pronoun or an office: whoever the text was just about.
    Pronoun,
}

/// A quote in a paragraph, in tokens: the opening mark, the closing mark
/// (none when the quote runs on past the paragraph).
#[derive(Debug, Clone, Copy)]
struct Marks {
    open: usize,
    close: Option<usize>,
}

/// The quotes `text` attributes to `person`. `others` are the other people
/// the text names: a pronoun after a sentence about one of them is not the
/// person's.
pub fn quotes(text: &str, person: &Names, others: &Names) -> Vec<Quote> {
    if !text.contains(['"', '“', '‘']) {
        return Vec::new();
    }
    let mut reader = Reader {
        text,
        person,
        others,
        rules: Rules::builtin(),
        about_them: false,
        last_said: None,
        out: Vec::new(),
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        reader.paragraph(offset, line);
        offset += line.len();
    }
    reader.out
}

/// The state of one pass over an article.
struct Reader<'a> {
    text: &'a str,
    person: &'a Names,
    others: &'a Names,
    rules: &'static Rules,
    /// Whether the last sentence was about the person and no one else.
    about_them: bool,
    /// Who said the last quote of the last sentence, when it had one.
    last_said: Option<Said>,
    out: Vec<Quote>,
}

impl Reader<'_> {
    fn paragraph(&mut self, offset: usize, line: &str) {
        let all = tokens(line);
        if all.is_empty() {
            return;
        }
        let marks = quote_marks(&all);
        for range in sentence_ranges(&all, &marks) {
            self.sentence(offset, line, &all, range, &marks);
        }
    }

    fn sentence(
        &mut self,
        offset: usize,
        line: &str,
        all: &[Token],
        range: Range<usize>,
        marks: &[Marks],
    ) {
        let inside: Vec<Marks> = marks
            .iter()
            .copied()
            .filter(|m| range.contains(&m.open))
            .collect();
        // The words outside quotes: who the sentence is about.
        let outside: Vec<&str> = range
            .clone()
            .filter(|&i| {
                !inside
                    .iter()
                    .any(|m| i >= m.open && m.close.is_none_or(|c| i <= c))
            })
            .map(|i| all[i].text)
            .collect();
        let names_them = self.person.mentioned(&outside);
        let names_others = self.others.mentioned(&outside);
        let pronoun_is_them = if names_them || names_others {
            names_them && !names_others
        } else {
            self.about_them
        };

        let mut said_here: Option<Said> = None;
        for (n, mark) in inside.iter().enumerate() {
            let end = mark.close.map_or(range.end, |c| c + 1);
            let next_open = inside.get(n + 1).map_or(range.end, |m| m.open);
            let previous_close = match n {
                0 => range.start,
                _ => inside[n - 1].close.map_or(range.end, |c| c + 1),
            };
            let inner = mark.open + 1..mark.close.unwrap_or(range.end);
            let words = inner
                .clone()
                .filter(|&i| all[i].text.starts_with(char::is_alphanumeric))
                .count();
            let said = self
                .after(&all[inner.clone()], &all[end.min(next_open)..next_open])
                .or_else(|| self.before(&all[previous_close..mark.open]))
                .or_else(|| {
                    // A quote that opens the sentence with nothing said of
                    // it goes on from the last one.
                    (mark.open == range.start && n == 0)
                        .then_some(self.last_said)
                        .flatten()
                });
            let Some(said) = said else { continue };
            let said = match said {
                Said::Pronoun if pronoun_is_them => Said::Them,
                Said::Pronoun => Said::Other,
                said => said,
            };
            said_here = Some(said);
            if said == Said::Them && words >= MIN_WORDS && !inner.is_empty() {
                self.keep(offset, line, all, inner, range.clone());
            }
        }
        self.last_said = said_here;
        self.about_them = match said_here {
            Some(said) => said == Said::Them,
            None => names_them && !names_others,
        };
    }

    fn keep(
        &mut self,
        offset: usize,
        line: &str,
        all: &[Token],
        inner: Range<usize>,
        sentence: Range<usize>,
    ) {
        let start = all[inner.start].span.start;
        let mut end = all[inner.end - 1].span.end;
        // The comma that hands the quote to its attribution is not said.
        let trimmed = line[start..end].trim_end_matches([',', ' ']);
        end = start + trimmed.len();
        let sentence_start = all[sentence.start].span.start;
        let sentence_end = all[sentence.end - 1].span.end;
        let span = offset + start..offset + end;
        let sentence_span = offset + sentence_start..offset + sentence_end;
        self.out.push(Quote {
            text: self.text[span.clone()].to_string(),
            sentence: self.text[sentence_span.clone()].to_string(),
            span,
            sentence_span,
        });
    }

    /// An attribution after the quote: `, Mr X said`, `, said Mr X`,
    /// `he added`.
    fn after(&self, inner: &[Token], rest: &[Token]) -> Option<Said> {
        let ends_open = inner
            .last()
            .is_some_and(|t| matches!(t.text, "," | "!" | "?" | "—" | "–"));
        let (comma, rest) = match rest.first() {
            Some(t) if t.text == "," => (true, &rest[1..]),
            _ => (false, rest),
        };
        let first = rest.first()?;
        // `"We will." Mr X said the talks…` starts a new thought.
        if !(ends_open || comma || is_lowercase(first.text)) {
            return None;
        }
        if is_verb(first.text) {
            let (said, used) = self.subject(&rest[1..])?;
            // `said Zelensky's spokesman`: the name runs on.
            let next = rest.get(1 + used).map(|t| t.text);
            let runs_on =
                next.is_some_and(|t| t.starts_with(char::is_uppercase) || is_possessive(t));
            return (!runs_on).then_some(said);
        }
        if rest.len() >= 3 && first.text.eq_ignore_ascii_case("according") && rest[1].text == "to" {
            let (said, _) = self.subject(&rest[2..])?;
            return Some(said);
        }
        let (said, used) = self.subject(rest)?;
        let verb = rest.get(used)?;
        is_verb(verb.text).then_some(said)
    }

    /// An attribution before the quote, closed by a colon or a comma:
    /// `Mr X said:`, `he told reporters,`.
    fn before(&self, lead: &[Token]) -> Option<Said> {
        let (last, lead) = lead.split_last()?;
        if !matches!(last.text, ":" | ",") {
            return None;
        }
        let verb = lead
            .iter()
            .rposition(|t| is_verb(t.text))
            .filter(|&v| lead.len() - v - 1 <= MAX_AFTER_VERB)?;
        // `said that "…"` reports speech rather than quoting it whole.
        if lead[verb + 1..].iter().any(|t| t.text == "that") {
            return None;
        }
        let mut start = verb;
        while start > 0 && verb - start < MAX_SUBJECT && is_subject_word(lead[start - 1].text) {
            start -= 1;
        }
        let (said, used) = self.subject(&lead[start..verb])?;
        (start + used == verb).then_some(said)
    }

    /// Who a run of tokens at its start names, and how many tokens that
    /// takes: a pronoun, `the` and an office, or a name with its titles.
    fn subject(&self, words: &[Token]) -> Option<(Said, usize)> {
        let first = words.first()?.text;
        if matches!(first.to_lowercase().as_str(), "he" | "she") {
            return Some((Said::Pronoun, 1));
        }
        if first.eq_ignore_ascii_case("the") {
            // `the president`, `the Ukrainian president`.
            let run: Vec<&str> = words[1..]
                .iter()
                .take(4)
                .map(|t| t.text)
                .take_while(|t| t.starts_with(char::is_alphabetic) && !is_verb(t))
                .collect();
            let office = (0..run.len()).find(|&i| self.rules.title_len(&run[i..]) == run.len() - i);
            return match office {
                Some(_) => Some((Said::Pronoun, 1 + run.len())),
                None => Some((Said::Other, 1 + run.len())),
            };
        }
        let run: Vec<&str> = words
            .iter()
            .take(MAX_SUBJECT)
            .map(|t| t.text)
            .take_while(|t| {
                is_subject_word(t) && !matches!(t.to_lowercase().as_str(), "he" | "she")
            })
            .take_while(|t| {
                t.starts_with(char::is_uppercase)
                    || is_possessive(t)
                    || self.rules.title_len(&[t]) > 0
            })
            .collect();
        if run.is_empty() {
            return None;
        }
        // The name is what follows the last title or possessive:
        // `Ukraine's President Volodymyr Zelensky`.
        let mut name_start = 0;
        let mut i = 0;
        while i < run.len() {
            let title = self.rules.title_len(&run[i..]);
            if title > 0 {
                i += title;
                name_start = i;
            } else if is_possessive(run[i]) {
                i += 1;
                name_start = i;
            } else {
                i += 1;
            }
        }
        let name = &run[name_start..];
        if name.is_empty() {
            // A possessive or a title with no name after it:
            // `Zelensky's spokesman`.
            return Some((Said::Other, run.len()));
        }
        let said = if self.person.is(name) {
            Said::Them
        } else {
            Said::Other
        };
        Some((said, run.len()))
    }
}

fn is_verb(word: &str) -> bool {
    SPEECH_VERBS.contains(&word.to_lowercase().as_str())
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "’s" | "'S" | "’S")
}

fn is_lowercase(word: &str) -> bool {
    word.starts_with(char::is_lowercase)
}

/// A word that may be part of who speaks: a name, a title, a possessive,
/// a pronoun.
fn is_subject_word(word: &str) -> bool {
    word.starts_with(char::is_alphabetic) || is_possessive(word)
}

/// The quotes of a paragraph, as token positions of their marks. Double
/// quotes pair up (a straight one closes what a straight one opened);
/// curly single quotes count only outside double ones and only where they
/// touch the words they enclose, so that an apostrophe is not read as one.
fn quote_marks(all: &[Token]) -> Vec<Marks> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, token) in all.iter().enumerate() {
        let touches_next = all
            .get(i + 1)
            .is_some_and(|next| next.span.start == token.span.end);
        let touches_previous = i > 0 && all[i - 1].span.end == token.span.start;
        match (open, token.text) {
            (None, "“") | (None, "\"") => open = Some((i, "double")),
            (None, "‘") if touches_next => open = Some((i, "single")),
            (Some((start, "double")), "”" | "\"") | (Some((start, "single")), "’")
                if token.text != "’" || touches_previous =>
            {
                out.push(Marks {
                    open: start,
                    close: Some(i),
                });
                open = None;
            }
            _ => {}
        }
    }
    if let Some((start, _)) = open {
        // Runs on into the next paragraph, as news quotes do.
        out.push(Marks {
            open: start,
            close: None,
        });
    }
    out
}

/// The paragraph's sentences as token ranges, never cutting through a
/// quote: `"We will win. We are strong," he said.` is one sentence.
fn sentence_ranges(all: &[Token], marks: &[Marks]) -> Vec<Range<usize>> {
    let mut joined: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for sentence in sentences(all) {
        let range = start..start + sentence.len();
        start = range.end;
        match joined.last_mut() {
            Some(last)
                if is_open_at_end(last, marks)
                    || (asks_or_exclaims(&all[last.clone()])
                        && starts_with_attribution(&all[range.clone()])) =>
            {
                last.end = range.end
            }
            _ => joined.push(range),
        }
    }
    joined
}

/// Whether a sentence ends with a quote that ends with `?` or `!`, after
/// which a capitalised attribution does not start a new sentence:
/// `"Why?" Mr Zelensky asked.`
fn asks_or_exclaims(sentence: &[Token]) -> bool {
    match sentence {
        [.., stop, close] => {
            matches!(stop.text, "?" | "!") && matches!(close.text, "\"" | "”" | "’")
        }
        _ => false,
    }
}

/// Whether a sentence opens with who said something and a speech verb.
fn starts_with_attribution(sentence: &[Token]) -> bool {
    sentence
        .iter()
        .take(MAX_SUBJECT + 1)
        .position(|t| is_verb(t.text))
        .is_some_and(|verb| sentence[..verb].iter().all(|t| is_subject_word(t.text)))
}

/// Whether a quote opened in `range` is still open at its end.
fn is_open_at_end(range: &Range<usize>, marks: &[Marks]) -> bool {
    marks
        .iter()
        .any(|m| range.contains(&m.open) && m.close.is_none_or(|c| c >= range.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quotes `text` gives Volodymyr Zelensky, among others who are
    /// Donald Trump and Keir Starmer.
    fn zelensky(text: &str) -> Vec<String> {
        said_by(text, &["Volodymyr Zelensky", "Zelenskyy"])
    }

    fn said_by(text: &str, person: &[&str]) -> Vec<String> {
        let person = Names::new(person);
        let others = Names::new(&["Donald Trump", "Keir Starmer", "Vladimir Putin"]);
        let found = quotes(text, &person, &others);
        for quote in &found {
            assert_eq!(&text[quote.span.clone()], quote.text);
            assert_eq!(&text[quote.sentence_span.clone()], quote.sentence);
            assert!(quote.sentence.contains(&quote.text));
        }
        found.into_iter().map(|q| q.text).collect()
    }

    #[test]
    fn attributions_after_the_quote_in_every_style() {
        for (text, quote) in [
            (
                r#""We will not give up our land," Mr Zelensky said."#,
                "We will not give up our land",
            ),
            (
                r#""We will not give up our land", Zelensky said."#,
                "We will not give up our land",
            ),
            (
                r#""We will not give up our land," said Zelensky."#,
                "We will not give up our land",
            ),
            (
                r#""We will not give up our land", said Mr Zelensky, in Kyiv."#,
                "We will not give up our land",
            ),
            (
                "“We will not give up our land,” President Zelensky told reporters on Monday.",
                "We will not give up our land",
            ),
            (
                "‘We will not give up our land,’ Volodymyr Zelensky says.",
                "We will not give up our land",
            ),
            (
                r#""Why should we trust them?" asked Ukraine's President Volodymyr Zelensky."#,
                "Why should we trust them?",
            ),
            (
                r#""Why should we trust them?" Zelenskyy asked."#,
                "Why should we trust them?",
            ),
            (
                r#""Peace needs guarantees," according to Mr Zelensky."#,
                "Peace needs guarantees",
            ),
            (
                r#""We will win. We are strong," Mr Zelensky said."#,
                "We will win. We are strong",
            ),
        ] {
            assert_eq!(zelensky(text), [quote], "{text}");
        }
    }

    #[test]
    fn attributions_before_the_quote_end_with_a_colon_or_comma() {
        for (text, quote) in [
            (
                r#"Mr Zelensky said: "Putin cannot fool us.""#,
                "Putin cannot fool us.",
            ),
            (
                r#"Speaking in Kyiv, Zelensky told reporters on Tuesday: “Putin cannot fool us.”"#,
                "Putin cannot fool us.",
            ),
            (
                r#"Zelensky said, "Putin cannot fool us.""#,
                "Putin cannot fool us.",
            ),
        ] {
            assert_eq!(zelensky(text), [quote], "{text}");
        }
    }

    #[test]
    fn quotes_given_to_someone_else_are_not_theirs() {
        for text in [
            r#""We will not give up our land," Mr Trump said."#,
            r#""Zelensky must decide," said Donald Trump."#,
            r#"Mr Putin said: "Zelensky cannot fool us.""#,
            r#""The talks were useful," Zelensky's spokesman said."#,
            r#""The talks were useful," said Zelensky's chief of staff."#,
            r#""The talks were useful," a spokesman for Mr Zelensky said."#,
            r#"A Downing Street spokesperson said: "Zelensky has our support.""#,
            r#""The talks were useful," Andriy Zelensky said."#,
        ] {
            assert_eq!(zelensky(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn scare_quotes_titles_and_reported_speech_are_not_quotes() {
        for text in [
            r#"Mr Zelensky rejected what he called "land-swapping" on Friday."#,
            r#"Mr Zelensky said the plan was "unacceptable"."#,
            r#"Zelensky starred in "Servant of the People", a comedy about a teacher."#,
            r#"Mr Zelensky said that "everything about Ukraine has to be discussed with Ukraine"."#,
            r#"Mr Zelensky insisted that "borders must not be changed by force", Downing Street said."#,
            r#""No," Mr Zelensky said."#,
            "Mr Zelensky's aides say the players' union is 'a problem'.",
        ] {
            assert_eq!(zelensky(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn a_pronoun_is_theirs_only_after_a_sentence_about_them_alone() {
        let text = "Mr Zelensky arrived in Berlin on Wednesday.\n\"We need guarantees,\" he said.";
        assert_eq!(zelensky(text), ["We need guarantees"]);
        let text = "Mr Zelensky met Mr Trump in Berlin.\n\"We need guarantees,\" he said.";
        assert_eq!(
            zelensky(text),
            Vec::<String>::new(),
            "Trump is just as likely"
        );
        let text =
            "Mr Zelensky spoke after Mr Trump left. \"We need guarantees,\" the president said.";
        assert_eq!(zelensky(text), Vec::<String>::new());
        let text = "Mr Zelensky said European nations were united.\nHe said: \"In Berlin, the interests of Ukraine must be protected.\"";
        assert_eq!(
            zelensky(text),
            ["In Berlin, the interests of Ukraine must be protected."]
        );
        let text =
            "Mr Zelensky spoke in Berlin. \"We need guarantees,\" the Ukrainian president added.";
        assert_eq!(zelensky(text), ["We need guarantees"]);
        let text =
            "Mr Zelensky spoke in Berlin.\nThe weather was cold.\n\"We need guarantees,\" he said.";
        assert_eq!(
            zelensky(text),
            Vec::<String>::new(),
            "the sentence between is about no one"
        );
    }

    #[test]
    fn a_quote_goes_on_after_its_attribution() {
        let text = r#""We will not give up our land," Mr Zelensky said. "Our soldiers did not die for nothing.""#;
        assert_eq!(
            zelensky(text),
            [
                "We will not give up our land",
                "Our soldiers did not die for nothing."
            ]
        );
        let text = r#""We will not give up our land," he said, "and nobody should ask us to.""#;
        assert_eq!(
            said_by(
                &format!("Zelensky was in Kyiv. {text}"),
                &["Volodymyr Zelensky"]
            ),
            [
                "We will not give up our land",
                "and nobody should ask us to."
            ]
        );
        // A quote left open at the end of a paragraph goes on in the next.
        let text = "Mr Zelensky said: \"We will not give up our land.\n\"Our soldiers did not die for nothing.\"";
        assert_eq!(
            zelensky(text),
            [
                "We will not give up our land.",
                "Our soldiers did not die for nothing."
            ]
        );
        // But a quote after someone else's is theirs.
        let text = r#""It was a good meeting," Mr Trump said. "Zelensky knows what he has to do.""#;
        assert_eq!(zelensky(text), Vec::<String>::new());
    }

    #[test]
    fn spans_are_byte_offsets_into_the_whole_text() {
        let text = "Kyiv — Talks went on.\n\n“Ми переможемо, друзі,” Зеленський said.\n\"Putin cannot fool us, not now,\" Mr Zelensky said.";
        let person = Names::new(&["Volodymyr Zelensky"]);
        let found = quotes(text, &person, &Names::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            &text[found[0].span.clone()],
            "Putin cannot fool us, not now"
        );
        assert_eq!(
            found[0].sentence,
            "\"Putin cannot fool us, not now,\" Mr Zelensky said."
        );
    }

    #[test]
    fn any_text_gives_an_answer() {
        let person = Names::new(&["Volodymyr Zelensky"]);
        for text in [
            "",
            "\"",
            "“",
            "”",
            "\"\"",
            "‘’",
            "said Zelensky",
            "\", said Zelensky",
            ": \"",
            "Zelensky said: \"",
            "\n\n\"\n\"",
        ] {
            let _ = quotes(text, &person, &Names::default());
        }
    }
}
