//! Which field names a mapping may use, and the rule that each path is mapped once.
//!
//! Names follow Elasticsearch's rules where moat's embedded index needs them too: no empty
//! name and no empty part between dots, no leading `-`, and neither of the names moat's own
//! fields take ([`RESERVED_FIELDS`]). A dotted name is a path through objects, so
//!
//! ```json
//! {"properties": {"a": {"type": "text", "fields": {"b": {"type": "keyword"}}},
//!                 "a.b": {"type": "keyword"}}}
//! ```
//!
//! maps `a.b` twice, and a field under a field (`a` and `a.c` here) can never hold a value.

use std::collections::HashMap;

/// The field of the embedded index that holds the document id; no mapped field may take it.
pub const ID_FIELD: &str = "_id";

/// The field of the embedded index that holds the document as it was loaded.
pub const SOURCE_FIELD: &str = "_source";

/// The field of the embedded index that numbers documents in the order they were loaded.
pub const SEQUENCE_FIELD: &str = "_seq";

/// The names moat's own fields take, which no top-level mapped field may use.
pub const RESERVED_FIELDS: [&str; 3] = [ID_FIELD, SOURCE_FIELD, SEQUENCE_FIELD];

/// Why the property or (with `multi_field`) multi-field `name`, at `path`, cannot be used.
pub(super) fn name_problem(name: &str, path: &str, multi_field: bool) -> Option<String> {
    let problem = if name.is_empty() {
        "a field name must not be empty".to_owned()
    } else if name.starts_with('-') {
        format!("`{name}`: a field name must not start with `-`")
    } else if multi_field && name.contains('.') {
        format!("`{name}`: a multi-field name must not contain `.`")
    } else if name.split('.').any(str::is_empty) {
        format!("`{name}` has an empty part between dots; write names such as `a.b`")
    } else if RESERVED_FIELDS.contains(&path) {
        let reserved: Vec<String> =
            RESERVED_FIELDS.iter().map(|name| format!("`{name}`")).collect();
        format!(
            "`{path}` is reserved for moat's own fields ({}); rename the field",
            reserved.join(", ")
        )
    } else {
        return None;
    };
    Some(problem)
}

/// What a mapped path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A field with a type (multi-fields included).
    Field,
    /// An object holding other paths.
    Object,
}

/// The paths mapped so far, each with what it holds and where in the mapping JSON it was
/// declared (or, for an object implied by a dotted name, the field that implied it).
#[derive(Debug, Default)]
pub(super) struct Claims {
    paths: HashMap<String, (Kind, String)>,
}

impl Claims {
    /// Records that `path`, declared at `at`, holds `kind`; with `under_objects`, every path
    /// above it (`a` for `a.b`) becomes an object. Answers why not when a path is taken.
    pub(super) fn claim(
        &mut self,
        path: &str,
        kind: Kind,
        at: &str,
        under_objects: bool,
    ) -> Result<(), String> {
        match self.paths.get(path) {
            Some((Kind::Object, _)) if kind == Kind::Object => {}
            Some((Kind::Field, earlier)) => {
                return Err(format!("`{path}` is already mapped at `{earlier}`"));
            }
            Some((Kind::Object, earlier)) => {
                return Err(format!("`{path}` is already an object, through `{earlier}`"));
            }
            None => {}
        }

        let parents: Vec<&str> = if under_objects { parents(path).collect() } else { Vec::new() };
        for parent in &parents {
            if let Some((Kind::Field, earlier)) = self.paths.get(*parent) {
                let under = format!("so `{path}` cannot sit under it");
                return Err(format!("`{parent}` is a field, mapped at `{earlier}`, {under}"));
            }
        }

        for parent in parents {
            self.paths.entry(parent.to_owned()).or_insert((Kind::Object, at.to_owned()));
        }
        self.paths.entry(path.to_owned()).or_insert((kind, at.to_owned()));
        Ok(())
    }
}

/// The paths above `path`, outermost first: `a` and `a.b` for `a.b.c`.
fn parents(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('.').map(move |(dot, _)| &path[..dot])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules() {
        assert_eq!(name_problem("owner_name", "owner_name", false), None);
        assert_eq!(name_problem("clinic.city", "clinic.city", false), None);
        assert_eq!(name_problem("_id", "clinic._id", false), None);

        for (name, multi_field) in
            [("", false), ("-a", false), ("a..b", false), (".a", false), ("a.", false)]
        {
            assert!(name_problem(name, name, multi_field).is_some(), "{name:?}");
        }
        assert!(name_problem("k.x", "a.k.x", true).is_some());
        for reserved in RESERVED_FIELDS {
            assert!(name_problem(reserved, reserved, false).unwrap().contains("reserved"));
        }
    }

    #[test]
    fn a_path_is_mapped_once() {
        let mut claims = Claims::default();
        claims.claim("a", Kind::Field, "properties.a", true).unwrap();
        claims.claim("a.b", Kind::Field, "properties.a.fields.b", false).unwrap();
        claims.claim("x", Kind::Object, "properties.x", true).unwrap();
        claims.claim("x.y.z", Kind::Field, "properties.x.y.z", true).unwrap();
        claims.claim("x.y", Kind::Object, "properties.x.properties.y", true).unwrap();

        let twice = claims.claim("a.b", Kind::Field, "properties.a.b", true).unwrap_err();
        assert_eq!(twice, "`a.b` is already mapped at `properties.a.fields.b`");
        let under = claims.claim("a.c", Kind::Field, "properties.a.c", true).unwrap_err();
        assert!(under.starts_with("`a` is a field, mapped at `properties.a`"), "{under}");
        let object = claims.claim("x.y", Kind::Field, "properties.x.y", true).unwrap_err();
        assert_eq!(object, "`x.y` is already an object, through `properties.x.y.z`");
    }
}
