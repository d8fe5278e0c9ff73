//! A vet-visits-shaped corpus generated from a fixed seed, with the text that trips analyzers:
//! accents, punctuation, hyphens, apostrophes, numbers, repeated words and mixed case.
//!
//! The same seed always gives the same documents, so a disagreement found once stays found.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// The seed of the differential corpus.
pub const SEED: u64 = 20_261_204;

const FIRST: [&str; 16] = [
    "José", "Zoë", "Chloé", "Anne-Marie", "Seán", "Mia", "Leo", "Ana", "Björn", "Émile",
    "Noah", "Aïcha", "Kai", "Søren", "Renée", "Li",
];
const LAST: [&str; 14] = [
    "O'Connor", "Martínez", "van der Berg", "Smith-Jones", "Nguyễn", "Dubois", "Kowalski",
    "Müller", "D'Angelo", "Park", "Øster", "García", "McDonald", "Lee",
];
const PETS: [&str; 14] = [
    "Buddy", "Max", "Luna", "Mr. Whiskers", "Coco", "Rex", "Señor Paws", "Mochi", "Kiki",
    "Bo-Bo", "Daisy", "Pickles", "Ziggy", "Toby",
];
const SPECIES: [&str; 6] = ["Dog", "Cat", "Rabbit", "Ferret", "Parrot", "Guinea Pig"];
const BREEDS: [&str; 8] = [
    "Golden Retriever", "Siamese", "Mixed", "Labrador Mix", "Maine Coon", "Holland Lop",
    "Border Collie", "African Grey",
];
const VACCINES: [&str; 6] =
    ["Rabies", "Parvovirus", "Distemper", "Bordetella", "Feline Leukemia", "Leptospirosis"];
const FRAGMENTS: [&str; 24] = [
    "Dental cleaning",
    "dental cleaning under sedation",
    "annual check-up",
    "Check up and nail trimming",
    "X-ray of the left hind leg",
    "x-ray clear",
    "owner's concern about weight",
    "the dog's ear infection",
    "prescribed 3.5 mg twice daily",
    "weight 12.4 kg",
    "follow-up in 2 weeks",
    "10-day course of antibiotics",
    "very very itchy skin",
    "skin rash, antihistamines prescribed",
    "MILD EAR INFECTION",
    "Mild ear infection; cleaning given",
    "loss of appetite",
    "vaccination update",
    "eye drops (left eye)",
    "no issues — healthy and active",
    "rock-solid recovery",
    "café-au-lait spots noted",
    "temp 39,2 °C",
    "re-check: improving well",
];

/// `count` documents, each with a unique `visit_id`.
pub fn documents(count: usize) -> Vec<Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    (0..count).map(|number| document(&mut rng, number)).collect()
}

fn document(rng: &mut ChaCha8Rng, number: usize) -> Value {
    let owner = format!("{} {}", pick(rng, &FIRST), pick(rng, &LAST));
    let vaccines: Vec<&str> = VACCINES.iter().copied().filter(|_| rng.random_bool(0.4)).collect();

    let sentences = rng.random_range(1..=3);
    let mut details = Vec::with_capacity(sentences);
    for _ in 0..sentences {
        let mut fragment = pick(rng, &FRAGMENTS).to_owned();
        if rng.random_bool(0.2) {
            fragment = fragment.to_uppercase();
        }
        details.push(fragment);
    }

    json!({
        "visit_id": format!("v{number:05}"),
        "owner_name": owner,
        "pet_name": pick(rng, &PETS),
        "species": pick(rng, &SPECIES),
        "breed": pick(rng, &BREEDS),
        "vaccination_history": vaccines,
        "visit_details": format!("{}.", details.join(". ")),
    })
}

fn pick<'a>(rng: &mut ChaCha8Rng, choices: &[&'a str]) -> &'a str {
    choices.choose(rng).copied().unwrap_or_default()
}

/// The mapping of the corpus: the original mapping plus the `visit_id` keyword.
pub fn mapping() -> Value {
    json!({"mappings": {"properties": {
        "visit_id": {"type": "keyword"},
        "owner_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
        "pet_name": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
        "species": {"type": "keyword"},
        "breed": {"type": "keyword"},
        "vaccination_history": {"type": "keyword"},
        "visit_details": {"type": "text"},
    }}})
}

/// Phrases searched in the differential test: every fragment, parts of them, and the
/// spellings analyzers disagree on when they are wrong.
pub fn phrases() -> Vec<String> {
    let mut phrases: Vec<String> = FRAGMENTS.iter().map(|fragment| (*fragment).to_owned()).collect();
    let extra = [
        "dental", "DENTAL CLEANING", "cleaning dental", "check-up", "check up", "checkup",
        "x-ray", "X RAY", "xray", "owner's", "owners", "dog's ear", "3.5", "3.5 mg", "3",
        "12.4 kg", "2 weeks", "10-day", "10 day", "very very", "very itchy", "itchy skin",
        "rash, antihistamines", "ear infection", "infection cleaning", "(left eye)",
        "healthy and active", "rock solid", "café", "cafe", "au-lait", "39,2", "°C",
        "re-check", "recheck", "improving", "--", "!!!", "a", "the the",
    ];
    phrases.extend(extra.iter().map(|phrase| (*phrase).to_owned()));
    phrases
}

/// Owner-name phrases: accents, apostrophes and hyphenated names.
pub fn owner_phrases() -> Vec<String> {
    [
        "O'Connor", "o'connor", "oconnor", "Martínez", "martinez", "van der Berg", "der berg",
        "Smith-Jones", "smith jones", "Nguyễn", "Zoë", "zoe", "Anne-Marie", "anne", "D'Angelo",
        "Søren Øster", "José García", "Renée", "McDonald", "Li Lee",
    ]
    .iter()
    .map(|phrase| (*phrase).to_owned())
    .collect()
}
