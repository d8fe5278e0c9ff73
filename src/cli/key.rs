//! `moat key`: makes a new random API key and prints it with the `[[keys]]` entry that
//! declares it. moat stores only the entry's hash; the key is shown this once.

use std::process::ExitCode;

use clap::Args;
use moat::config::{HASH_PREFIX, hash_hex};
use serde::Serialize;

/// How a generated key starts, so it is recognisable in a secret scanner or a log.
const KEY_PREFIX: &str = "moat_";

/// Random bytes in a key.
const KEY_BYTES: usize = 32;

/// Options of `moat key`.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The key's name in logs and rate limits.
    #[arg(long, default_value = "client")]
    id: String,

    /// An endpoint path the key may call; repeat for several.
    #[arg(long = "endpoint", value_name = "PATH", default_value = "/search")]
    endpoints: Vec<String>,

    /// Mark the key public: safe to ship in a browser, for search endpoints only.
    #[arg(long)]
    public: bool,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    hash: String,
    endpoints: &'a [String],
    public: bool,
}

#[derive(Serialize)]
struct Keys<'a> {
    keys: [Entry<'a>; 1],
}

/// Prints a new key and its entry.
pub fn run(args: &KeyArgs) -> ExitCode {
    let bytes: [u8; KEY_BYTES] = rand::random();
    let random: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let key = format!("{KEY_PREFIX}{random}");

    let entry = Entry {
        id: &args.id,
        hash: format!("{HASH_PREFIX}{}", hash_hex(&key)),
        endpoints: &args.endpoints,
        public: args.public,
    };
    let toml = match toml::to_string(&Keys { keys: [entry] }) {
        Ok(toml) => toml,
        Err(error) => {
            eprintln!("moat key: {error}");
            return ExitCode::FAILURE;
        }
    };

    println!("# The key, for its client only. moat keeps its hash; the key is not shown again.");
    println!("{key}");
    println!();
    println!("# Paste into the config or the keys file:");
    print!("{toml}");
    ExitCode::SUCCESS
}
