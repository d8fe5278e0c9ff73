//! `moat token`: mints a tenant token with the config's `tenant_secret`, for trying an
//! endpoint with `tenant_filters` by hand. Applications mint their own with any HS256 JWT
//! library; see `moat::access::tenant` for the claims.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::{Map, Value};

use super::ConfigArg;

/// Options of `moat token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    config: ConfigArg,

    /// A pinned filter, as `FIELD=VALUE` (the value is matched as a string); repeat for
    /// several.
    #[arg(long = "filter", value_name = "FIELD=VALUE", required = true)]
    filters: Vec<String>,

    /// How long the token is valid: seconds, or a number with `s`, `m`, `h` or `d`.
    #[arg(long, default_value = "1h", value_parser = parse_ttl)]
    ttl: Duration,

    /// Who the tenant is, for logs and rate limits (the `sub` claim).
    #[arg(long)]
    sub: Option<String>,
}

/// Prints a signed token.
pub fn run(args: &TokenArgs) -> ExitCode {
    let Ok(config) = args.config.load() else { return ExitCode::FAILURE };
    let secret = config.access.tenant_secret.as_ref().and_then(|secret| secret.expose().ok());
    let Some(secret) = secret else {
        eprintln!("moat token: the config declares no `tenant_secret` in `[access]`");
        return ExitCode::FAILURE;
    };

    let allowed: Vec<&String> =
        config.endpoints.iter().flat_map(|endpoint| &endpoint.access.tenant_filters).collect();
    let mut filters = Map::new();
    for filter in &args.filters {
        let Some((field, value)) = filter.split_once('=') else {
            eprintln!("moat token: write a filter as FIELD=VALUE, not `{filter}`");
            return ExitCode::FAILURE;
        };
        if !allowed.iter().any(|name| *name == field) {
            eprintln!("moat token: no endpoint lists `{field}` in its `tenant_filters`");
            return ExitCode::FAILURE;
        }
        filters.insert(field.to_owned(), Value::String(value.to_owned()));
    }

    match moat::access::tenant::mint(secret, filters, args.ttl, args.sub.clone()) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("moat token: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse_ttl(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(split) => text.split_at(split),
        None => (text, "s"),
    };
    let seconds_per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: use seconds, or a number with s, m, h or d")),
    };
    let number: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration"))?;
    match number.checked_mul(seconds_per) {
        Some(0) | None => Err("the time to live must be 1 second or more".to_owned()),
        Some(seconds) => Ok(Duration::from_secs(seconds)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_time_to_live() {
        assert_eq!(parse_ttl("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_ttl("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_ttl("2d"), Ok(Duration::from_secs(172_800)));
        assert!(parse_ttl("0s").is_err());
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
