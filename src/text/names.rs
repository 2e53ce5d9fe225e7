//! Names as text: how two spellings of one outlet or person are compared.
//!
//! Pure code over strings; the index's keyword analyser, the people
//! directory, the name rules and the quotes all compare names this way.

/// How two spellings of one outlet or person are compared: lowercase,
/// letters and digits only, without a leading "The". "The Independent",
/// "independent" and "INDEPENDENT." share a key.
pub fn name_key(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let words = match words.split_first() {
        Some((first, rest)) if first == "the" && !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

/// Whether two words are one, allowing one wrong, missing or extra letter
/// in words of five letters or more, but not in the first letter:
/// "Zelensky" and "Zelenskyy", "Sergey" and "Sergei", "Emmanunel" and
/// "Emmanuel"; not "Mark" and "Mary", nor "Dixon" and "Nixon".
pub fn same_word(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // Case beyond ASCII ("MÜLLER", "Müller"): one word, and no letter
    // differs for the comparison below to skip.
    if a == b {
        return true;
    }
    if a.len().min(b.len()) < 5 || a[0] != b[0] {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_words_apart_only_in_long_words() {
        assert!(same_word("Zelensky", "Zelenskyy"));
        assert!(same_word("Sergey", "Sergei"));
        assert!(same_word("Emmanunel", "Emmanuel"));
        assert!(!same_word("Mark", "Mary"));
        assert!(!same_word("Dixon", "Nixon"));
        assert!(!same_word("Johnson", "Johnston2"));
    }

    #[test]
    fn words_that_differ_only_in_the_case_of_a_non_ascii_letter_are_one() {
        assert!(same_word("Müller", "MÜLLER"));
        assert!(same_word("MÜLLER", "Müler"));
        assert!(!same_word("MÜLLER", "Mahler"));
    }
}
