//! Index mappings, written as Elasticsearch mapping JSON.
//!
//! Operators describe an index exactly as they would for Elasticsearch:
//!
//! ```json
//! {"properties": {"owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}}}}
//! ```
//!
//! [`Mapping::from_json`] turns that into a flat list of [`MappedField`]s, one per searchable
//! path (`owner_name`, `owner_name.keyword`), which both backends and the config checks read.

mod names;
mod value;

pub use names::{ID_FIELD, RESERVED_FIELDS, SEQUENCE_FIELD, SOURCE_FIELD};
pub(crate) use value::read_date_upper;
pub use value::{FieldValue, ValueError};

use serde_json::{Map, Value};

use self::names::{Claims, Kind};

/// The field types moat understands, named as in Elasticsearch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Analysed full text (the standard analyzer).
    Text,
    /// One exact value.
    Keyword,
    /// A 32-bit signed integer.
    Integer,
    /// A 64-bit signed integer.
    Long,
    /// A 32-bit float.
    Float,
    /// A 64-bit float.
    Double,
    /// `true` or `false`.
    Boolean,
    /// A date or date-time, stored as milliseconds since the epoch.
    Date,
}

impl FieldType {
    const SUPPORTED: &'static str = "text, keyword, integer, long, float, double, boolean, date";

    fn parse(name: &str) -> Option<FieldType> {
        let field_type = match name {
            "text" => FieldType::Text,
            "keyword" => FieldType::Keyword,
            "integer" => FieldType::Integer,
            "long" => FieldType::Long,
            "float" => FieldType::Float,
            "double" => FieldType::Double,
            "boolean" => FieldType::Boolean,
            "date" => FieldType::Date,
            _ => return None,
        };
        Some(field_type)
    }

    /// The indefinite article that goes before [`FieldType::name`]: "an integer", "a date".
    pub fn article(self) -> &'static str {
        if self.name().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
    }

    /// The name Elasticsearch uses for this type.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Keyword => "keyword",
            FieldType::Integer => "integer",
            FieldType::Long => "long",
            FieldType::Float => "float",
            FieldType::Double => "double",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// One searchable path of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedField {
    /// The path queries use, such as `owner_name.keyword`.
    pub path: String,
    /// Where the value comes from in a document: the path itself, or the parent of a
    /// multi-field (`owner_name` for `owner_name.keyword`).
    pub source_path: String,
    /// How the value is indexed.
    pub field_type: FieldType,
}

/// A validated index mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    fields: Vec<MappedField>,
    objects: Vec<String>,
    original: Value,
}

/// Something wrong in a mapping, with the JSON path where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingProblem {
    /// Where in the mapping JSON, such as `properties.owner_name.type`.
    pub at: String,
    /// What is wrong.
    pub problem: String,
}

/// A mapping being read: what was found so far, the paths taken, and the problems.
struct Reading {
    mapping: Mapping,
    claims: Claims,
    problems: Vec<MappingProblem>,
}

impl Reading {
    fn properties(&mut self, properties: &Map<String, Value>, prefix: &str, at: &str) {
        for (name, spec) in properties {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            let at = format!("{at}.{name}");
            if let Some(problem) = names::name_problem(name, &path, false) {
                self.problem(&at, problem);
                continue;
            }
            let Some(spec) = spec.as_object() else {
                self.problem(&at, "a field mapping must be a JSON object".into());
                continue;
            };

            if let Some(children) = spec.get("properties").and_then(Value::as_object) {
                if self.claim(&path, Kind::Object, &at, true) {
                    self.mapping.objects.push(path.clone());
                    self.properties(children, &path, &format!("{at}.properties"));
                }
                continue;
            }

            let Some(field_type) = self.field_type(spec, &at) else { continue };
            if !self.claim(&path, Kind::Field, &at, true) {
                continue;
            }
            self.mapping.fields.push(MappedField {
                path: path.clone(),
                source_path: path.clone(),
                field_type,
            });

            if let Some(sub_fields) = spec.get("fields") {
                self.multi_fields(sub_fields, &path, &at);
            }
        }
    }

    fn multi_fields(&mut self, sub_fields: &Value, parent: &str, at: &str) {
        let Some(sub_fields) = sub_fields.as_object() else {
            self.problem(&format!("{at}.fields"), "`fields` must be an object".into());
            return;
        };

        for (sub_name, sub_spec) in sub_fields {
            let path = format!("{parent}.{sub_name}");
            let sub_at = format!("{at}.fields.{sub_name}");
            if let Some(problem) = names::name_problem(sub_name, &path, true) {
                self.problem(&sub_at, problem);
                continue;
            }
            let Some(sub_spec) = sub_spec.as_object() else {
                self.problem(&sub_at, "a field mapping must be a JSON object".into());
                continue;
            };

            let Some(field_type) = self.field_type(sub_spec, &sub_at) else { continue };
            if self.claim(&path, Kind::Field, &sub_at, false) {
                let source_path = parent.to_owned();
                self.mapping.fields.push(MappedField { path, source_path, field_type });
            }
        }
    }

    /// The type of the field at `at`, with its parameters checked.
    fn field_type(&mut self, spec: &Map<String, Value>, at: &str) -> Option<FieldType> {
        let field_type = read_type(spec, at, &mut self.problems)?;
        check_known_keys(spec, at, &mut self.problems);
        Some(field_type)
    }

    /// Takes `path` for what was declared at `at`; false (with a problem) when it is taken.
    fn claim(&mut self, path: &str, kind: Kind, at: &str, under_objects: bool) -> bool {
        match self.claims.claim(path, kind, at, under_objects) {
            Ok(()) => true,
            Err(problem) => {
                self.problem(at, problem);
                false
            }
        }
    }

    fn problem(&mut self, at: &str, problem: String) {
        self.problems.push(MappingProblem { at: at.to_owned(), problem });
    }
}

impl Mapping {
    /// Reads a mapping given as `{"mappings": {"properties": …}}` or `{"properties": …}`.
    pub fn from_json(json: &Value) -> Result<Mapping, Vec<MappingProblem>> {
        let root = json.get("mappings").unwrap_or(json);
        let mapping = Mapping { fields: Vec::new(), objects: Vec::new(), original: root.clone() };
        let mut reading = Reading { mapping, claims: Claims::default(), problems: Vec::new() };

        match root.get("properties").and_then(Value::as_object) {
            Some(properties) => reading.properties(properties, "", "properties"),
            None => reading.problem("properties", "a mapping needs a `properties` object".into()),
        }

        let Reading { mapping, problems, .. } = reading;
        if problems.is_empty() { Ok(mapping) } else { Err(problems) }
    }

    /// Every searchable path, in mapping order.
    pub fn fields(&self) -> &[MappedField] {
        &self.fields
    }

    /// The searchable path `path`, if the mapping has it.
    pub fn field(&self, path: &str) -> Option<&MappedField> {
        self.fields.iter().find(|field| field.path == path)
    }

    /// Whether `path` is an object with its own properties.
    pub fn is_object(&self, path: &str) -> bool {
        self.objects.iter().any(|object| object == path)
    }

    /// The paths a document's source holds values at (multi-fields excluded).
    pub fn source_fields(&self) -> impl Iterator<Item = &MappedField> {
        self.fields.iter().filter(|field| field.path == field.source_path)
    }

    /// The mapping as Elasticsearch takes it in `PUT /index` under `mappings`.
    pub fn to_elasticsearch(&self) -> &Value {
        &self.original
    }
}

fn read_type(
    spec: &Map<String, Value>,
    at: &str,
    problems: &mut Vec<MappingProblem>,
) -> Option<FieldType> {
    let Some(name) = spec.get("type").and_then(Value::as_str) else {
        problems.push(problem(at, "a field needs a `type` (or `properties` for an object)"));
        return None;
    };
    let field_type = FieldType::parse(name);
    if field_type.is_none() {
        let message =
            format!("type `{name}` is not supported; use one of {}", FieldType::SUPPORTED);
        problems.push(problem(&format!("{at}.type"), &message));
    }
    field_type
}

fn check_known_keys(spec: &Map<String, Value>, at: &str, problems: &mut Vec<MappingProblem>) {
    for key in spec.keys() {
        if !matches!(key.as_str(), "type" | "fields") {
            let message = format!(
                "mapping parameter `{key}` is not supported; moat indexes with the defaults"
            );
            problems.push(problem(&format!("{at}.{key}"), &message));
        }
    }
}

fn problem(at: &str, message: &str) -> MappingProblem {
    MappingProblem { at: at.to_owned(), problem: message.to_owned() }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_multi_fields_and_objects() {
        let mapping = Mapping::from_json(&json!({"mappings": {"properties": {
            "owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
            "clinic": {"properties": {"city": {"type": "keyword"}}}
        }}}))
        .unwrap();

        let keyword = mapping.field("owner_name.keyword").unwrap();
        assert_eq!(keyword.field_type, FieldType::Keyword);
        assert_eq!(keyword.source_path, "owner_name");
        assert_eq!(mapping.field("clinic.city").unwrap().field_type, FieldType::Keyword);
        assert!(mapping.is_object("clinic"));
        assert_eq!(mapping.source_fields().count(), 2);
    }

    #[test]
    fn names_every_problem() {
        let problems = Mapping::from_json(&json!({"properties": {
            "a": {"type": "geo_point"},
            "b": {"type": "keyword", "ignore_above": 10},
            "c": 3
        }}))
        .unwrap_err();

        let places: Vec<_> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(places, ["properties.a.type", "properties.b.ignore_above", "properties.c"]);
    }

    #[test]
    fn refuses_names_and_paths_the_index_cannot_hold() {
        let problems = Mapping::from_json(&json!({"properties": {
            "_id": {"type": "keyword"},
            "": {"type": "keyword"},
            "-x": {"type": "keyword"},
            "a..b": {"type": "keyword"},
            "m": {"type": "text", "fields": {"b": {"type": "keyword"}}},
            "m.b": {"type": "keyword"},
            "o": {"properties": {"p": {"type": "keyword"}}},
            "o.p": {"type": "keyword"},
            "k": {"type": "keyword"},
            "k.c": {"type": "keyword"}
        }}))
        .unwrap_err();

        let places: Vec<_> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(
            places,
            [
                "properties._id",
                "properties.",
                "properties.-x",
                "properties.a..b",
                "properties.m.b",
                "properties.o.p",
                "properties.k.c"
            ]
        );
        assert_eq!(problems[4].problem, "`m.b` is already mapped at `properties.m.fields.b`");
    }

    #[test]
    fn dotted_names_and_objects_share_objects() {
        let mapping = Mapping::from_json(&json!({"properties": {
            "clinic": {"properties": {"city": {"type": "keyword"}}},
            "clinic.zip": {"type": "keyword"},
            "_id_copy": {"type": "keyword"}
        }}))
        .unwrap();

        assert_eq!(mapping.fields().len(), 3);
        assert!(mapping.is_object("clinic"));
    }
}
