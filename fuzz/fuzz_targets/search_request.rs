//! Fuzzes the request-to-query path of a search: body bytes, strict JSON, parameter checks,
//! the query plan and its Elasticsearch form.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check/search_request.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
