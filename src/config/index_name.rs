//! Index names, checked with Elasticsearch's rules.
//!
//! The same rules keep the embedded backend's folders safe: a name is one folder under
//! `<data dir>/indices/`, and `..`, `/` and `\` are refused.

/// The longest index name, in bytes.
pub const MAX_INDEX_NAME_BYTES: usize = 255;

/// The characters an index name must not hold.
const FORBIDDEN: [char; 12] = ['\\', '/', '*', '?', '"', '<', '>', '|', ',', '#', ':', ' '];

/// Why `name` cannot name an index, if it cannot.
pub fn problem(name: &str) -> Option<String> {
    let problem = if name.is_empty() {
        "an index name must not be empty".to_owned()
    } else if name == "." || name == ".." {
        format!("`{name}` is not an index name")
    } else if name.starts_with(['-', '_', '+']) {
        format!("`{name}`: an index name must not start with `-`, `_` or `+`")
    } else if let Some(found) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        let shown = if found == ' ' { "a space".to_owned() } else { format!("`{found}`") };
        format!(
            "`{name}` holds {shown}; an index name must not hold \\ / * ? \" < > | , # : \
             or spaces"
        )
    } else if name.to_lowercase() != name {
        format!("`{name}`: an index name must be lowercase")
    } else if name.len() > MAX_INDEX_NAME_BYTES {
        format!(
            "an index name is at most {MAX_INDEX_NAME_BYTES} bytes long; this one is {}",
            name.len()
        )
    } else {
        return None;
    };
    Some(problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_elasticsearch() {
        for good in ["vet-visits", "logs.2024", "a", &"x".repeat(MAX_INDEX_NAME_BYTES)] {
            assert_eq!(problem(good), None, "{good}");
        }

        let long = "x".repeat(MAX_INDEX_NAME_BYTES + 1);
        let bad = ["", ".", "..", "-a", "_a", "+a", "a/b", "..\\x", "a b", "a:b", "a#b", "Visits"];
        for name in bad.iter().copied().chain([long.as_str()]) {
            assert!(problem(name).is_some(), "{name}");
        }
    }
}
