//! Declared parameters: what each endpoint accepts ([`ParamSpec`]), read from a JSON body or a
//! query string and checked, every problem collected rather than the first alone.
//!
//! The same specs drive the checks, the reading of `GET` query strings, and the parameters the
//! OpenAPI document shows, so the three cannot disagree.

mod check;
mod query_string;
mod spec;

pub use check::Params;
pub use query_string::read_query_string;
pub use spec::{Checked, ParamKind, ParamSpec, check};
