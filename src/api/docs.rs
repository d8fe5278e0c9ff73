//! `/openapi.json` and the docs UI at `/docs`, whose assets are built into moat.

use axum::Router;
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;
use crate::config::Config;

/// The routes serving the API's own documentation.
pub fn router(config: &Config) -> Router<AppState> {
    let document = crate::openapi::document(config);
    SwaggerUi::new("/docs").external_url_unchecked("/openapi.json", document).into()
}
