//! The properties the search request path must keep for any body: shared by the fuzz target
//! and the stable-Rust test that replays its seeds (`tests/ops_fuzz_seeds.rs`).
//!
//! Every search endpoint of the bundled config gets the same body. Whatever it holds, a plan
//! that comes out stays within the endpoint's declarations: its page within the limits, its
//! fields the declared ones, its fixed filters in place, its text within its length.

use std::collections::HashSet;
use std::sync::LazyLock;

use moat::api::endpoints::search::{Declared, plan_request};
use moat::config::EndpointKind;
use serde_json::Value;

/// The search endpoints of the bundled config.
static ENDPOINTS: LazyLock<Vec<Declared>> = LazyLock::new(|| {
    let config = moat::config::load_bundled();
    let declared = config.endpoints.iter().filter_map(|endpoint| match &endpoint.kind {
        EndpointKind::Search(search) => {
            let index = config.index(&search.index)?;
            Some(Declared::new(&endpoint.path, search, &index.mapping))
        }
        _ => None,
    });
    declared.collect()
});

/// Runs `body` through the path a search request takes; panics when a property breaks.
pub fn check(body: &[u8]) {
    let Ok(value) = moat::api::json::parse(body) else { return };
    let Value::Object(object) = value else { return };
    assert!(ENDPOINTS.len() >= 4, "the bundled config declares its search endpoints");

    for declared in ENDPOINTS.iter() {
        let Ok(request) = plan_request(declared, object.clone()) else { continue };
        let endpoint = &declared.endpoint;
        let path = &declared.path;

        let size = u64::try_from(request.size).expect("the size fits");
        let from = u64::try_from(request.from).expect("the offset fits");
        assert!((1..=endpoint.size.max).contains(&size), "{path}: size {size} escaped");
        assert!(from + size <= endpoint.paging.max_depth, "{path}: page beyond the depth");
        assert_eq!(request.source_fields, endpoint.source, "{path}: undeclared source");

        let mut allowed: HashSet<&str> =
            declared.text_fields.iter().map(|(field, _)| field.as_str()).collect();
        allowed.extend(endpoint.filters.iter().map(|filter| filter.field.as_str()));
        allowed.extend(endpoint.fixed_filters.iter().map(|fixed| fixed.field.as_str()));
        let (fields, texts) = request.query.fields_and_texts();
        for field in fields {
            assert!(allowed.contains(field), "{path}: the plan reached `{field}`");
        }
        if let Some(text) = &endpoint.text {
            for searched in texts {
                assert!(!searched.trim().is_empty(), "{path}: empty text was accepted");
                assert!(searched.chars().count() <= text.max_chars, "{path}: text too long");
            }
        }
        let dsl = request.query.to_elasticsearch().to_string();
        for fixed in &endpoint.fixed_filters {
            assert!(dsl.contains(&fixed.field), "{path}: the fixed filter went missing");
        }
    }
}
