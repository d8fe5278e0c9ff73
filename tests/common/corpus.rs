//! A vet-visits-shaped corpus generated from a fixed seed, with the text that trips analyzers:
//! accents, punctuation, hyphens, apostrophes, numbers, repeated words and mixed case, and the
//! spellings the differential test once found the embedded analyzer wrong on (emoji, `²` and
//! `½`, Greek capitals ending in `Σ`, the Turkish `İ`, Thai written without spaces).
//!
//! The same seed always gives the same documents, so a disagreement found once stays found.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// The seed of the differential corpus.
pub const SEED: u64 = 20_261_204;

#[rustfmt::skip]
const FIRST: [&str; 20] = [
    "José", "Zoë", "Chloé", "Anne-Marie", "Seán", "Mia", "Leo", "Ana", "Björn", "Émile",
    "Noah", "Aïcha", "Kai", "Søren", "Renée", "Li", "İlkay", "Νίκος", "สมชาย", "Łukasz",
];
#[rustfmt::skip]
const LAST: [&str; 18] = [
    "O'Connor", "Martínez", "van der Berg", "Smith-Jones", "Nguyễn", "Dubois", "Kowalski",
    "Müller", "D'Angelo", "Park", "Øster", "García", "McDonald", "Lee", "Παπαδόπουλος",
    "O’Brien", "St. John", "ใจดี",
];
#[rustfmt::skip]
const PETS: [&str; 14] = [
    "Buddy", "Max", "Luna", "Mr. Whiskers", "Coco", "Rex", "Señor Paws", "Mochi", "Kiki",
    "Bo-Bo", "Daisy", "Pickles", "Ziggy", "Toby",
];
#[rustfmt::skip]
const SPECIES: [&str; 6] = ["Dog", "Cat", "Rabbit", "Ferret", "Parrot", "Guinea Pig"];
#[rustfmt::skip]
const BREEDS: [&str; 8] = [
    "Golden Retriever", "Siamese", "Mixed", "Labrador Mix", "Maine Coon", "Holland Lop",
    "Border Collie", "African Grey",
];
#[rustfmt::skip]
const VACCINES: [&str; 6] =
    ["Rabies", "Parvovirus", "Distemper", "Bordetella", "Feline Leukemia", "Leptospirosis"];
const FRAGMENTS: [&str; 36] = [
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
    "good boy 🐶 very calm",
    "very good 🐶 boy",
    "wagging tail 👍🏽 no pain",
    "weight 5½ kg",
    "wound of 2 cm² cleaned",
    "X-ray #2 clear ✔",
    "καλή πρόοδος",
    "สุนัขสุขภาพดี",
    "สุนัขสุขภาพดีมาก",
    "didn't eat, owner’s note",
    "no no no biting",
    "dose 0.5ml q.i.d.",
];

/// `count` documents, each with a unique `visit_id`.
pub fn documents(count: usize) -> Vec<Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    (0..count).map(|number| document(&mut rng, number)).collect()
}

fn document(rng: &mut ChaCha8Rng, number: usize) -> Value {
    let mut owner = format!("{} {}", pick(rng, &FIRST), pick(rng, &LAST));
    match rng.random_range(0..20) {
        0 => owner = owner.to_uppercase(),
        1 => owner = owner.to_lowercase(),
        _ => {}
    }
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
    FRAGMENTS.iter().chain(PARTS).map(|phrase| (*phrase).to_owned()).collect()
}

/// Owner-name phrases: accents, apostrophes and hyphenated names.
pub fn owner_phrases() -> Vec<String> {
    OWNER_PHRASES.iter().map(|phrase| (*phrase).to_owned()).collect()
}

/// Phrases searched in visit details besides the whole fragments.
#[rustfmt::skip]
const PARTS: &[&str] = &[
    "dental", "DENTAL CLEANING", "cleaning dental", "check-up", "check up", "checkup",
    "x-ray", "X RAY", "xray", "owner's", "owners", "dog's ear", "3.5", "3.5 mg", "3",
    "12.4 kg", "2 weeks", "10-day", "10 day", "very very", "very itchy", "itchy skin",
    "rash, antihistamines", "ear infection", "infection cleaning", "(left eye)",
    "healthy and active", "rock solid", "café", "cafe", "au-lait", "39,2", "°C",
    "re-check", "recheck", "improving", "--", "!!!", "a", "the the",
    // Regressions: emoji are tokens, which shifts positions and field lengths.
    "good boy", "boy 🐶", "🐶", "good 🐶", "🐶 boy", "👍🏽", "👍", "tail 👍🏽 no", "#2 clear",
    "clear ✔", "✔",
    // Regressions: `²` and `½` are not tokens.
    "5 kg", "5½", "½", "2 cm", "cm cleaned", "cm² cleaned",
    // Regressions: capitals are lowercased one by one, so a final `Σ` becomes `σ`, not `ς`.
    "πρόοδος", "ΠΡΌΟΔΟΣ", "καλή",
    // Regressions: a run of Thai is one token.
    "สุนัขสุขภาพดี", "สุนัข", "ดีมาก",
    // Regressions: hits whose order followed the field lengths the fixes above changed.
    "didn't", "didnt", "owner’s", "owner's note", "no no", "no no no", "no biting", "0.5ml",
    "0.5 ml", "q.i.d",
];

/// Phrases searched in owner names.
#[rustfmt::skip]
const OWNER_PHRASES: &[&str] = &[
    "O'Connor", "o'connor", "oconnor", "Martínez", "martinez", "van der Berg", "der berg",
    "Smith-Jones", "smith jones", "Nguyễn", "Zoë", "zoe", "Anne-Marie", "anne", "D'Angelo",
    "Søren Øster", "José García", "Renée", "McDonald", "Li Lee",
    // Regressions: `İ` lowercases to `i`, a final `Σ` to `σ`, a Thai name is one token.
    "İlkay", "ilkay", "ILKAY", "Νίκος", "ΝΊΚΟΣ", "Παπαδόπουλος", "สมชาย", "สมชาย ใจดี", "ใจดี",
    "O’Brien", "o'brien", "St. John", "st john", "Łukasz", "LEE",
];

/// The seed of the fields [`rich_documents`] adds, apart from [`SEED`] so the fields of
/// [`documents`] stay as they are.
pub const RICH_SEED: u64 = SEED + 1;

#[rustfmt::skip]
const TAGS: [&str; 10] = [
    "senior", "puppy", "follow-up", "emergency", "referral", "new-patient", "chronic", "Chronic",
    "überweisung", "zz-last",
];

/// The documents of [`documents`] with the fields a richer API filters, sorts and counts: a
/// visit date (a day, or a time in UTC, with an offset or with milliseconds), a weight in a
/// float field, an age in an integer field, tags in a keyword array, an insured flag and a
/// microchip code in a text field (`chip00` to `chip99`, a hundred words within two typos of
/// each other). Each field is missing or `null` in some documents, tags are sometimes an empty
/// list or hold a value twice, and a few weights are strings, as clients send them.
pub fn rich_documents(count: usize) -> Vec<Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(RICH_SEED);
    let mut documents = documents(count);
    for document in &mut documents {
        if let Value::Object(fields) = document {
            for (name, value) in rich_fields(&mut rng) {
                fields.insert(name.to_owned(), value);
            }
        }
    }
    documents
}

fn rich_fields(rng: &mut ChaCha8Rng) -> Vec<(&'static str, Value)> {
    let mut fields = Vec::new();
    let roll = rng.random_range(0..100);
    if roll >= 5 {
        fields.push(("visit_date", if roll < 7 { Value::Null } else { json!(visit_date(rng)) }));
    }

    let roll = rng.random_range(0..100);
    let tenths = rng.random_range(3..=600);
    let weight = f64::from(tenths) / 10.0;
    match roll {
        0..=7 => {}
        8..=9 => fields.push(("weight_kg", Value::Null)),
        10..=12 => fields.push(("weight_kg", json!(weight.to_string()))),
        _ => fields.push(("weight_kg", json!(weight))),
    }

    if rng.random_bool(0.9) {
        fields.push(("age_years", json!(rng.random_range(0..=18))));
    }

    let roll = rng.random_range(0..100);
    if roll >= 12 {
        let mut tags: Vec<&str> = Vec::new();
        if roll >= 17 {
            for _ in 0..rng.random_range(1..=3) {
                tags.push(pick(rng, &TAGS));
            }
        }
        fields.push(("tags", json!(tags)));
    }

    if rng.random_bool(0.8) {
        fields.push(("insured", json!(rng.random_bool(0.5))));
    }

    if rng.random_bool(0.9) {
        fields.push(("chip", json!(format!("chip{:02}", rng.random_range(0..100)))));
    }
    fields
}

/// A day of 2023 or 2024, written one of the ways Elasticsearch's default date format reads.
fn visit_date(rng: &mut ChaCha8Rng) -> String {
    let start = time::macros::date!(2023 - 01 - 01);
    let day = start + time::Duration::days(rng.random_range(0..730));
    let (hour, minute, second) =
        (rng.random_range(0..24), rng.random_range(0..60), rng.random_range(0..60));
    match rng.random_range(0..20) {
        0..=10 => day.to_string(),
        11..=15 => format!("{day}T{hour:02}:{minute:02}:{second:02}Z"),
        16..=17 => {
            let offset = pick(rng, &["+02:00", "-05:00", "+09:30"]);
            format!("{day}T{hour:02}:{minute:02}:{second:02}{offset}")
        }
        _ => format!("{day}T{hour:02}:{minute:02}:{second:02}.{:03}Z", rng.random_range(0..1000)),
    }
}

/// The mapping of [`rich_documents`].
pub fn rich_mapping() -> Value {
    let mut mapping = mapping();
    let added = json!({
        "visit_date": {"type": "date"},
        "weight_kg": {"type": "float"},
        "age_years": {"type": "integer"},
        "tags": {"type": "keyword"},
        "insured": {"type": "boolean"},
        "chip": {"type": "text"},
    });
    if let (Some(properties), Value::Object(added)) =
        (mapping["mappings"]["properties"].as_object_mut(), added)
    {
        properties.extend(added);
    }
    mapping
}

/// The words of the visit details, lowercased, for searches built from the corpus.
pub fn detail_words() -> Vec<String> {
    words(FRAGMENTS.iter().copied())
}

/// The words of the owner names, lowercased.
pub fn name_words() -> Vec<String> {
    words(FIRST.iter().chain(&LAST).copied())
}

/// The fragments of the visit details, for searches built from the corpus.
pub fn fragments() -> &'static [&'static str] {
    &FRAGMENTS
}

fn words<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = texts
        .flat_map(str::split_whitespace)
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}
