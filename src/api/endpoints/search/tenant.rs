//! A tenant token's filters on a search: added to the endpoint's fixed filters, so every
//! query carries them as `filter` clauses the client's parameters cannot remove.

use std::sync::Arc;

use axum::Extension;

use super::Declared;
use crate::access::TenantFilters;
use crate::query::{Query, Term};

/// `declared` with the tenant's filters among its fixed ones; unchanged without a tenant.
pub fn scoped(declared: Arc<Declared>, tenant: Option<Extension<TenantFilters>>) -> Arc<Declared> {
    let Some(Extension(TenantFilters(filters))) = tenant else { return declared };

    let mut scoped = Declared::clone(&declared);
    for (field, value) in filters {
        scoped.fixed.push(Query::Term(Term::new(field, value)));
    }
    Arc::new(scoped)
}
