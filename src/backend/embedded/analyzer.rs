//! The standard analyzer, as Elasticsearch defines it: words found by Unicode text
//! segmentation (UAX #29), then lowercased, with no stop words.
//!
//! ```
//! use moat::backend::embedded::analyzer::analyze;
//!
//! assert_eq!(analyze("Dog's check-up, 2.5 kg!"), ["dog's", "check", "up", "2.5", "kg"]);
//! ```

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// The name the embedded index registers the analyzer under.
pub const STANDARD: &str = "moat_standard";

/// Elasticsearch's default `max_token_length`: longer words are split at this many characters.
const MAX_TOKEN_CHARS: usize = 255;

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

fn tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();

    for (offset, word) in text.unicode_word_indices() {
        for (start, piece) in split_long(word) {
            tokens.push(Token {
                offset_from: offset + start,
                offset_to: offset + start + piece.len(),
                position: tokens.len(),
                text: piece.to_lowercase(),
                position_length: 1,
            });
        }
    }

    tokens
}

/// Cuts a word into pieces of at most [`MAX_TOKEN_CHARS`] characters, with their byte offsets.
fn split_long(word: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;

    for (count, (index, _)) in word.char_indices().enumerate() {
        if count > 0 && count % MAX_TOKEN_CHARS == 0 {
            pieces.push((start, &word[start..index]));
            start = index;
        }
    }

    pieces.push((start, &word[start..]));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_like_the_standard_tokenizer() {
        assert_eq!(analyze("Leo Martínez"), ["leo", "martínez"]);
        assert_eq!(analyze("O'Brien's e-mail: A.B@x.io"), ["o'brien's", "e", "mail", "a.b", "x.io"]);
        assert_eq!(analyze("3.14 x-ray 1,000"), ["3.14", "x", "ray", "1,000"]);
        assert!(analyze(" ... -- ").is_empty());
    }

    #[test]
    fn positions_follow_words_and_long_words_are_cut() {
        let long = "a".repeat(300);
        let tokens = tokens(&format!("x {long}"));

        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[1].text.len(), 255);
        assert_eq!(tokens[2].position, 2);
        assert_eq!(tokens[2].offset_to, 302);
    }
}
