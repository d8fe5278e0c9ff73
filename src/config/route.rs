//! The shape of an endpoint path: literal segments and whole-segment `{name}` parameters.
//!
//! moat accepts only paths the router takes as they are written: `/search`,
//! `/tasks/{task_id}`. Colon and star parameters, braces inside a segment, empty segments
//! and a trailing slash are refused, as are the paths moat serves itself.
//!
//! ```text
//! /tasks/{task_id}   ok: the route `/tasks/{}` with the parameter `task_id`
//! /tasks/:id         refused: parameters are written `{id}`
//! ```

/// The path of moat's OpenAPI document.
pub const OPENAPI_PATH: &str = "/openapi.json";

/// The path of moat's API docs; every path under it is theirs too.
pub const DOCS_PATH: &str = "/docs";

/// A checked endpoint path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The path with every parameter written `{}`: two paths with the same route answer the
    /// same requests.
    pub normalized: String,
    /// The parameter names, in path order.
    pub params: Vec<String>,
}

/// Reads `path`, or says what is wrong with it.
pub fn parse(path: &str) -> Result<Route, String> {
    if !path.starts_with('/') {
        return Err(format!("`{path}` must start with `/`"));
    }
    if path == OPENAPI_PATH || path == DOCS_PATH || path.starts_with("/docs/") {
        return Err(format!(
            "`{path}` is served by moat itself (the API docs under `{DOCS_PATH}` and \
             `{OPENAPI_PATH}`); choose another path"
        ));
    }
    if crate::ops::PATHS.contains(&path) {
        return Err(format!(
            "`{path}` is served by moat itself (health, readiness and metrics at {}); \
             choose another path",
            crate::ops::PATHS.join(", ")
        ));
    }
    if path == "/" {
        return Ok(Route { normalized: path.to_owned(), params: Vec::new() });
    }
    if path.ends_with('/') {
        return Err(format!("`{path}` must not end with `/`"));
    }

    let mut normalized = String::new();
    let mut params: Vec<String> = Vec::new();
    for segment in path[1..].split('/') {
        normalized.push('/');
        match segment_kind(path, segment)? {
            Segment::Literal => normalized.push_str(segment),
            Segment::Param(name) if params.iter().any(|seen| seen == name) => {
                return Err(format!("`{path}` has the parameter `{{{name}}}` twice"));
            }
            Segment::Param(name) => {
                normalized.push_str("{}");
                params.push(name.to_owned());
            }
        }
    }
    Ok(Route { normalized, params })
}

/// Whether `name` is a parameter name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
}

enum Segment<'a> {
    Literal,
    Param(&'a str),
}

fn segment_kind<'a>(path: &str, segment: &'a str) -> Result<Segment<'a>, String> {
    if segment.is_empty() {
        return Err(format!("`{path}` has an empty segment (`//`)"));
    }
    if let Some(name) = segment.strip_prefix(':') {
        let name = if is_param_name(name) { name } else { "name" };
        return Err(format!("`{segment}`: write a parameter as `{{{name}}}`"));
    }
    if segment.starts_with('*') || segment.starts_with("{*") {
        return Err(format!(
            "`{segment}`: wildcard segments are not supported; a segment is literal or one \
             `{{name}}` parameter"
        ));
    }

    if segment.contains(['{', '}']) {
        let name = segment.strip_prefix('{').and_then(|inner| inner.strip_suffix('}'));
        return match name {
            Some(name) if is_param_name(name) => Ok(Segment::Param(name)),
            Some(name) if !name.contains(['{', '}']) => Err(format!(
                "`{{{name}}}`: a parameter name is letters, digits and `_`, not starting with \
                 a digit, as in `{{task_id}}`"
            )),
            _ => Err(format!(
                "`{segment}`: braces must enclose a whole segment, as in `/tasks/{{task_id}}`"
            )),
        };
    }

    if segment == "." || segment == ".." {
        return Err(format!("`{path}`: `.` and `..` are not path segments moat serves"));
    }
    match segment.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c))) {
        Some(found) => Err(format!(
            "`{segment}` holds `{found}`; a path segment holds only letters, digits and `-._~`"
        )),
        None => Ok(Segment::Literal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literal_segments_and_parameters() {
        let route = parse("/tasks/{task_id}").unwrap();
        assert_eq!(route.normalized, "/tasks/{}");
        assert_eq!(route.params, ["task_id"]);

        assert_eq!(parse("/").unwrap().normalized, "/");
        assert_eq!(parse("/v1.2/search_all-~").unwrap().params, Vec::<String>::new());
        assert_eq!(
            parse("/a/{x}").unwrap(),
            Route { normalized: "/a/{}".into(), params: vec!["x".into()] }
        );
        assert_eq!(parse("/a/{y}").unwrap().normalized, parse("/a/{x}").unwrap().normalized);
    }

    #[test]
    fn refuses_what_the_router_would_not_take() {
        let refused = [
            ("search", "must start with `/`"),
            ("/docs", "served by moat itself"),
            ("/docs/x", "served by moat itself"),
            ("/openapi.json", "served by moat itself"),
            ("/search/", "must not end with `/`"),
            ("/a//b", "empty segment"),
            ("/tasks/:id", "write a parameter as `{id}`"),
            ("/files/*rest", "wildcard"),
            ("/files/{*rest}", "wildcard"),
            ("/tasks/{id", "braces must enclose a whole segment"),
            ("/tasks/id}", "braces must enclose a whole segment"),
            ("/tasks/x{id}", "braces must enclose a whole segment"),
            ("/tasks/{{id}}", "braces must enclose a whole segment"),
            ("/tasks/{1d}", "a parameter name is letters"),
            ("/tasks/{}", "a parameter name is letters"),
            ("/a/{x}/{x}", "the parameter `{x}` twice"),
            ("/a/../b", "`.` and `..`"),
            ("/caf%C3%A9", "holds `%`"),
            ("/a b", "holds ` `"),
        ];
        for (path, expected) in refused {
            let problem = parse(path).unwrap_err();
            assert!(problem.contains(expected), "{path}: {problem}");
        }
    }
}
