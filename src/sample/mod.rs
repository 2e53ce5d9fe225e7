//! The bundled sample corpus: five articles as scraped from news pages,
//! compiled into the binary so that `newsdesk serve` has something to
//! search from any folder, on a fresh install.
//!
//! Data only: `ingest::source::sample` reads them through the same stages
//! as any `.txt` file, and tests at every layer take their text.

/// File name and text of each sample article.
pub const ARTICLES: [(&str, &str); 5] = [
    (
        "000_d75beac91267a73a.txt",
        include_str!("articles/000_d75beac91267a73a.txt"),
    ),
    (
        "001_7503cce495d76c21.txt",
        include_str!("articles/001_7503cce495d76c21.txt"),
    ),
    (
        "002_397f8c2b33c2f7f6.txt",
        include_str!("articles/002_397f8c2b33c2f7f6.txt"),
    ),
    (
        "003_325b66f23103642b.txt",
        include_str!("articles/003_325b66f23103642b.txt"),
    ),
    (
        "004_e08c3c3ab844efb4.txt",
        include_str!("articles/004_e08c3c3ab844efb4.txt"),
    ),
];
