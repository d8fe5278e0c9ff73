//! The example built into the binary: `examples/vet-visits/`.

use std::path::Path;

/// How problems and logs name the bundled config.
pub const BUNDLED_NAME: &str = "bundled examples/vet-visits/moat.toml";

/// The bundled config text.
pub const CONFIG: &str = include_str!("../../examples/vet-visits/moat.toml");

const FILES: [(&str, &str); 2] = [
    (
        "vet-visits.mappings.json",
        include_str!("../../examples/vet-visits/vet-visits.mappings.json"),
    ),
    ("vet-visits.ndjson", include_str!("../../examples/vet-visits/vet-visits.ndjson")),
];

/// A file the bundled config names, by its relative path.
pub fn file(path: &Path) -> Option<&'static str> {
    FILES.iter().find(|(name, _)| Path::new(name) == path).map(|(_, text)| *text)
}
