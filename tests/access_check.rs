//! `moat check` names access-control mistakes with their file, line and column.

mod common;

/// The problem lines `moat check` prints for `text` (with `keys` as `keys.toml` beside it),
/// with the folder's path written `DIR`.
fn problems(text: &str, keys: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("moat.toml");
    std::fs::write(&config, text).unwrap();
    if let Some(keys) = keys {
        std::fs::write(dir.path().join("keys.toml"), keys).unwrap();
    }

    let output = common::moat()
        .arg("check")
        .arg("--config")
        .arg(&config)
        .env("MOAT_TEST_SHORT_SECRET", "short")
        .output()
        .unwrap();
    assert!(!output.status.success(), "moat check passed");
    let folder = format!("{}/", dir.path().display());
    String::from_utf8_lossy(&output.stderr)
        .replace(&folder, "DIR/")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A backend, an index with a text and a keyword field, and three endpoints (lines 1-23).
const BASE: &str = r#"[backend]
kind = "embedded"

[indices.visits]
mappings = '{"properties": {"name": {"type": "text"}, "owner": {"type": "keyword"}}}'

[[endpoints]]
kind = "ping"
path = "/ping"

[[endpoints]]
kind = "search"
path = "/search"
index = "visits"
text = { field = "name" }
source = ["name"]
tenant_filters = ["owner", "nobody", "name"]

[[endpoints]]
kind = "delete-by-query"
path = "/delete"
index = "visits"
term = { field = "owner" }
"#;

const HASH: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[test]
fn names_each_access_mistake_at_its_place() {
    let text = format!(
        r#"{BASE}rate_limit = {{ per_key = {{ per_second = 0, burst = 0 }} }}

[access]
tenant_secret = {{ env = "MOAT_TEST_SHORT_SECRET" }}
trusted_proxies = ["10.0.0.0/8", "10.0.0.300/8", "proxy.internal"]

[[keys]]
id = "web"
hash = "sha256:abc"
endpoints = ["/search", "/nowhere"]

[[keys]]
id = "browser"
hash = "{HASH}"
endpoints = ["/delete"]
public = true

[server.cors]
origins = ["https://app.example.com/", "*"]
"#
    );
    let found = problems(&text, None);

    let expected = [
        "DIR/moat.toml:17:28: endpoints[1].tenant_filters[1]: index `visits` has no field \
         `nobody` in its mapping",
        "DIR/moat.toml:17:38: endpoints[1].tenant_filters[2]: `name` is a text field",
        "DIR/moat.toml:24:41: endpoints[2].rate_limit.per_key.per_second: must be more than 0",
        "DIR/moat.toml:24:52: endpoints[2].rate_limit.per_key.burst: must be 1 or more",
        "DIR/moat.toml:27:25: access.tenant_secret.env: the tenant secret in \
         `MOAT_TEST_SHORT_SECRET` is shorter than 32 bytes",
        "DIR/moat.toml:28:34: access.trusted_proxies[1]: `10.0.0.300/8` is not a CIDR",
        "DIR/moat.toml:28:50: access.trusted_proxies[2]: `proxy.internal` is not a CIDR",
        "DIR/moat.toml:32:8: keys[0].hash: a key hash is `sha256:` and 64 hex digits",
        "DIR/moat.toml:33:14: keys[0].endpoints[0]: `/search` declares `tenant_filters`",
        "DIR/moat.toml:33:25: keys[0].endpoints[1]: no endpoint has the path `/nowhere` \
         (declared: /ping, /search, /delete)",
        "DIR/moat.toml:38:14: keys[1].endpoints[0]: a public key ships in browsers and may \
         call search endpoints only; `/delete` is a delete-by-query endpoint",
    ];
    for wanted in expected {
        assert!(
            found.iter().any(|line| line.starts_with(wanted)),
            "missing {wanted:?} in:\n{}",
            found.join("\n")
        );
    }
    let cors: Vec<&String> = found.iter().filter(|line| line.contains("server.cors")).collect();
    assert_eq!(cors.len(), 2, "{found:#?}");
    assert!(cors[0].starts_with("DIR/moat.toml:42:12: server.cors.origins[0]"));
    assert!(cors[0].contains("origins[0]: `https://app.example.com/` is not an origin"));
    assert!(cors[1].contains("origins[1]: list each origin; `*` is not accepted"));
}

#[test]
fn a_keys_file_is_checked_with_its_own_places() {
    let keys = format!(
        "# rotated monthly\n[[keys]]\nid = \"ops\"\nhash = \"{HASH}\"\nendpoints = [\"/gone\"]\n\n\
         [[keys]]\nid = \"ops\"\nhash = \"md5:1\"\nendpoints = [\"/ping\"]\n"
    );
    let text = BASE.replace("tenant_filters = [\"owner\", \"nobody\", \"name\"]\n", "")
        + "\n[access]\nkeys_file = \"keys.toml\"\n";
    let found = problems(&text, Some(&keys));

    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].starts_with("DIR/keys.toml:5:14: keys[0].endpoints[0]: no endpoint"));
    assert!(found[1].starts_with("DIR/keys.toml:8:6: keys[1].id: another key already has"));
    assert!(found[2].starts_with("DIR/keys.toml:9:8: keys[1].hash: a key hash is `sha256:`"));
    assert_eq!(found[3], "3 problem(s) found");
}

#[test]
fn a_missing_keys_file_and_tenant_filters_without_a_secret_are_problems() {
    let text = BASE.to_owned() + "\n[access]\nkeys_file = \"missing-keys.toml\"\n";
    let found = problems(&text, None);

    assert!(found.iter().any(|line| line.contains("access.keys_file: cannot read")), "{found:#?}");
    assert!(
        found.iter().any(|line| line.contains("tenant filters need `tenant_secret`")),
        "{found:#?}"
    );
}
