//! The Tantivy schema of an index, derived from its mapping.
//!
//! Each mapped path becomes one Tantivy field of the same name; `_id` holds the document id,
//! `_source` the document as it was loaded and `_seq` the order documents were loaded in.

use std::collections::HashMap;

use tantivy::schema::{
    BytesOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzer;
use crate::mapping::{FieldType, Mapping};
pub use crate::mapping::{ID_FIELD as ID, SEQUENCE_FIELD as SEQUENCE, SOURCE_FIELD as SOURCE};

/// The Tantivy fields of one index, by mapping path.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The id field.
    pub id: Field,
    /// The source field.
    pub source: Field,
    /// The load order field.
    pub sequence: Field,
    by_path: HashMap<String, (Field, FieldType)>,
}

impl Fields {
    /// The Tantivy field and type of a mapped path.
    pub fn get(&self, path: &str) -> Option<(Field, FieldType)> {
        self.by_path.get(path).copied()
    }
}

/// Builds the schema for `mapping`.
pub fn build(mapping: &Mapping) -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field(ID, STRING | STORED);
    let source = builder.add_bytes_field(SOURCE, BytesOptions::default().set_stored());
    let sequence = builder.add_u64_field(SEQUENCE, NumericOptions::default().set_fast());
    let mut by_path = HashMap::new();

    for field in mapping.fields() {
        let tantivy_field = match field.field_type {
            FieldType::Text => builder.add_text_field(&field.path, text_options()),
            FieldType::Keyword => builder.add_text_field(&field.path, keyword_options()),
            FieldType::Integer | FieldType::Long | FieldType::Date => {
                builder.add_i64_field(&field.path, numeric_options())
            }
            FieldType::Float | FieldType::Double => {
                builder.add_f64_field(&field.path, numeric_options())
            }
            FieldType::Boolean => builder.add_bool_field(&field.path, numeric_options()),
        };
        by_path.insert(field.path.clone(), (tantivy_field, field.field_type));
    }

    (builder.build(), Fields { id, source, sequence, by_path })
}

fn text_options() -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer::STANDARD)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    TextOptions::default().set_indexing_options(indexing)
}

fn keyword_options() -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("raw")
        .set_index_option(IndexRecordOption::WithFreqs);
    TextOptions::default().set_indexing_options(indexing).set_fast(Some("raw"))
}

fn numeric_options() -> NumericOptions {
    NumericOptions::default().set_indexed().set_fast()
}
