//! The standard analyzer, as Elasticsearch defines it: words found by Unicode text
//! segmentation (UAX #29), then lowercased, with no stop words.
//!
//! ```
//! use moat::backend::embedded::analyzer::analyze;
//!
//! assert_eq!(analyze("Dog's check-up, 2.5 kg!"), ["dog's", "check", "up", "2.5", "kg"]);
//! assert_eq!(analyze("Good boy 🐶, 5½ kg"), ["good", "boy", "🐶", "5", "kg"]);
//! ```
//!
//! Where UAX #29 leaves room, the analyzer follows Elasticsearch's tokenizer, whose choices
//! the differential test checks on real servers:
//!
//! - which segments are tokens comes from [`classes`]: emoji are, `²` and `½` are not;
//! - a run of Thai, Lao, Myanmar or Khmer letters is one token, as those scripts are written
//!   without spaces (segmentation alone would give one token per letter);
//! - a token longer than 255 UTF-16 code units is cut there, and the text after the cut is
//!   segmented afresh;
//! - lowercasing maps each character on its own (`ΟΔΟΣ` gives `οδοσ`, not `οδος`; `İ` gives
//!   `i`), as Java's `Character.toLowerCase` does.

mod classes;

use std::ops::{Range, RangeInclusive};

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

use self::classes::Class;

/// The name the embedded index registers the analyzer under.
pub const STANDARD: &str = "moat_standard";

/// Elasticsearch's default `max_token_length`, in UTF-16 code units: longer words are cut.
const MAX_TOKEN_UNITS: usize = 255;

/// The combining mark that turns `#`, `*` or a digit into a keycap emoji.
const KEYCAP: char = '\u{20E3}';

/// The regional indicator letters, two of which make a flag emoji.
const REGIONAL_INDICATORS: RangeInclusive<char> = '\u{1F1E6}'..='\u{1F1FF}';

/// The skin tones, which attach to the emoji before them.
const EMOJI_MODIFIERS: RangeInclusive<char> = '\u{1F3FB}'..='\u{1F3FF}';

/// The connectors that may lead a word (UAX #29 `ExtendNumLet`), such as `_` in `_id`.
const CONNECTORS: [char; 11] = [
    '_', '\u{202F}', '\u{203F}', '\u{2040}', '\u{2054}', '\u{FE33}', '\u{FE34}', '\u{FE4D}',
    '\u{FE4E}', '\u{FE4F}', '\u{FF3F}',
];

/// Splits text into lowercase words.
#[derive(Debug, Clone, Default)]
pub struct StandardTokenizer;

/// The words of one text, computed up front.
pub struct StandardTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for StandardTokenizer {
    type TokenStream<'a> = StandardTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> StandardTokenStream {
        StandardTokenStream { tokens: tokens(text), next: 0 }
    }
}

impl TokenStream for StandardTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The lowercase words of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|token| token.text).collect()
}

/// The lowercase words of `text` with the byte range each was read from, in order.
pub fn analyze_with_offsets(text: &str) -> Vec<(String, Range<usize>)> {
    let tokens = tokens(text).into_iter();
    tokens.map(|token| (token.text, token.offset_from..token.offset_to)).collect()
}

fn tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = 0;

    while start < text.len() {
        start = scan(text, start, &mut tokens);
    }

    tokens
}

/// Adds the tokens of `text[start..]` to `tokens`. Answers where to segment again: the end
/// of the text, the cut of a token that was too long, or the character after one that only
/// carried marks.
fn scan(text: &str, start: usize, tokens: &mut Vec<Token>) -> usize {
    let mut run: Option<Range<usize>> = None;

    for (offset, segment) in text[start..].split_word_bound_indices() {
        let span = start + offset..start + offset + segment.len();
        let kind = Segment::of(segment);

        if kind != Segment::Token(Class::SouthEastAsian)
            && let Some(cut) = run.take().and_then(|run| push(text, run, tokens))
        {
            return cut;
        }
        match kind {
            Segment::Token(Class::SouthEastAsian) => {
                run = Some(run.map_or(span.clone(), |run| run.start..span.end));
            }
            Segment::Token(_) => {
                if let Some(cut) = push(text, span, tokens) {
                    return cut;
                }
            }
            Segment::Nothing => {}
            Segment::MarksOnly => {
                return span.start + segment.chars().next().map_or(1, char::len_utf8);
            }
        }
    }

    run.and_then(|run| push(text, run, tokens)).unwrap_or(text.len())
}

/// What a UAX #29 segment stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    /// A token of this class.
    Token(Class),
    /// No token at all: spaces, punctuation.
    Nothing,
    /// A character that is no token, carrying marks that are (such as `"` with a Thai vowel
    /// sign, or `-` with a skin tone): Elasticsearch skips the character and reads on from
    /// the next one.
    MarksOnly,
}

impl Segment {
    /// Classifies `segment` by its first character. Keycaps (`#️⃣`), flags (two regional
    /// indicators) and words led by connectors (`_id`) are tokens too.
    fn of(segment: &str) -> Segment {
        let mut chars = segment.chars();
        let first = chars.next().unwrap_or(' ');
        if matches!(first, '#' | '*') && chars.any(|c| c == KEYCAP) {
            return Segment::Token(Class::Word);
        }
        if segment.chars().filter(|c| REGIONAL_INDICATORS.contains(c)).count() == 2 {
            return Segment::Token(Class::Word);
        }

        let class = classes::class(first);
        if class != Class::Ignored {
            return Segment::Token(class);
        }
        if segment.chars().all(|c| classes::class(c) == Class::Ignored) {
            return Segment::Nothing;
        }
        let has_base = segment
            .chars()
            .any(|c| classes::class(c) == Class::Word && !EMOJI_MODIFIERS.contains(&c));
        if CONNECTORS.contains(&first) && has_base {
            return Segment::Token(Class::Word);
        }
        Segment::MarksOnly
    }
}

/// Adds the token at `span`, cut to [`MAX_TOKEN_UNITS`]; answers where the cut fell, if any.
fn push(text: &str, span: Range<usize>, tokens: &mut Vec<Token>) -> Option<usize> {
    let word = &text[span.clone()];
    let kept = cut_length(word);

    tokens.push(Token {
        offset_from: span.start,
        offset_to: span.start + kept,
        position: tokens.len(),
        text: lowercase(&word[..kept]),
        position_length: 1,
    });
    (kept < word.len()).then_some(span.start + kept)
}

/// The byte length of the longest prefix of `word` within [`MAX_TOKEN_UNITS`] UTF-16 units.
fn cut_length(word: &str) -> usize {
    let mut units = 0;

    for (index, c) in word.char_indices() {
        units += c.len_utf16();
        if units > MAX_TOKEN_UNITS {
            return index;
        }
    }

    word.len()
}

/// Lowercases each character on its own, with its simple (one-character) mapping: the full
/// mapping differs only for `İ`, which it turns into `i` and a combining dot.
fn lowercase(word: &str) -> String {
    let mut lower = String::with_capacity(word.len());

    for c in word.chars() {
        if c == 'İ' {
            lower.push('i');
        } else {
            lower.extend(c.to_lowercase());
        }
    }

    lower
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_like_the_standard_tokenizer() {
        assert_eq!(analyze("Leo Martínez"), ["leo", "martínez"]);
        let words = analyze("O'Brien's e-mail: A.B@x.io");
        assert_eq!(words, ["o'brien's", "e", "mail", "a.b", "x.io"]);
        assert_eq!(analyze("3.14 x-ray 1,000"), ["3.14", "x", "ray", "1,000"]);
        assert_eq!(analyze("__init__ ___ _a"), ["__init__", "_a"]);
        assert!(analyze(" ... -- ").is_empty());
    }

    #[test]
    fn keeps_emoji_and_drops_other_numbers() {
        assert_eq!(analyze("good 🐶 boy 👍🏽"), ["good", "🐶", "boy", "👍🏽"]);
        assert_eq!(analyze("🐶🐱 🐶\u{200d}🐱 🇫🇷 🇫"), ["🐶", "🐱", "🐶\u{200d}🐱", "🇫🇷"]);
        let keycaps = analyze("#\u{fe0f}\u{20e3} # 1\u{20e3}");
        assert_eq!(keycaps, ["#\u{fe0f}\u{20e3}", "1\u{20e3}"]);
        assert_eq!(analyze("5½ kg, 2 cm² ①"), ["5", "kg", "2", "cm"]);
        assert_eq!(analyze("-🏽 _🏽 __🏽a \"ี"), ["🏽", "🏽", "__🏽a", "ี"]);
    }

    #[test]
    fn keeps_south_east_asian_runs_whole() {
        assert_eq!(analyze("สมชาย ใจดี"), ["สมชาย", "ใจดี"]);
        assert_eq!(analyze("สมชาย๑๒ ๆ"), ["สมชาย", "๑๒", "ๆ"]);
    }

    #[test]
    fn lowercases_one_character_at_a_time() {
        assert_eq!(analyze("ΟΔΟΣ ΝΊΚΟΣ"), ["οδοσ", "νίκοσ"]);
        assert_eq!(analyze("İstanbul ẞ ǅemal"), ["istanbul", "ß", "ǆemal"]);
    }

    #[test]
    fn long_tokens_are_cut_and_the_rest_segmented_again() {
        let long = "a".repeat(300);
        let tokens = tokens(&format!("x {long}"));
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[1].text.len(), 255);
        assert_eq!(tokens[2].position, 2);
        assert_eq!(tokens[2].offset_to, 302);

        let words = analyze(&format!("{}'bbb", "a".repeat(255)));
        assert_eq!(words[1], "bbb");

        let astral = analyze(&"𝒜".repeat(200));
        assert_eq!(astral.iter().map(|word| word.chars().count()).collect::<Vec<_>>(), [127, 73]);
    }
}
