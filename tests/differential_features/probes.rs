//! The requests.

use super::*;

/// One request compared: the endpoint, the client's parameters, and what must agree.
pub(crate) struct Probe {
    pub(crate) feature: &'static str,
    pub(crate) path: &'static str,
    pub(crate) body: Value,
    pub(crate) order: Order,
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {} {}", self.feature, self.path, self.body)
    }
}

/// What a probe's hits must agree on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// The same hits in the same order.
    Exact,
    /// Ranked by score: hits tied where a page was cut may differ, hits scored clearly apart
    /// come in the same order.
    Scored,
    /// The same hits when every match fits the page, in any order.
    Unordered,
}

pub(crate) fn probe(feature: &'static str, path: &'static str, body: Value, order: Order) -> Probe {
    Probe { feature, path, body, order }
}

/// Every probe, built from the corpus seed.
pub(crate) fn probes(facts: &Facts) -> Vec<Probe> {
    let mut rng = ChaCha8Rng::seed_from_u64(corpus::RICH_SEED + 1);
    let mut probes = text_probes(&mut rng);
    probes.extend(filter_probes(&mut rng, facts));
    probes.extend(sort_probes(&mut rng, facts));
    probes.extend(fixed_probes());
    probes.extend(page_probes());
    probes.extend(edge_probes(facts));
    probes.extend(text_edge_probes());
    probes
}

/// Ten texts per mode, each by relevance and by date.
pub(crate) fn text_probes(rng: &mut ChaCha8Rng) -> Vec<Probe> {
    let details = corpus::detail_words();
    let names = corpus::name_words();
    let typo_pool: Vec<String> =
        details.iter().chain(&names).filter(|word| word.chars().count() >= 3).cloned().collect();
    let mut probes = Vec::new();

    for (mode, path) in MODES.into_iter().zip(["/all", "/any", "/prefix", "/typo", "/phrase"]) {
        for _ in 0..10 {
            let text = match mode {
                "all" => run_of_words(rng, 1..3),
                "any" => any_words(rng, &details, &names),
                "prefix" => typed_so_far(rng),
                "typo" => {
                    let words: Vec<String> =
                        (0..rng.random_range(1..=2)).map(|_| misspell(rng, &typo_pool)).collect();
                    words.join(" ")
                }
                _ => run_of_words(rng, 2..4),
            };
            let order = if mode == "typo" { Order::Unordered } else { Order::Scored };
            probes.push(probe("text", path, json!({"q": text, "size": SIZE}), order));
            let sorted = json!({"q": text, "size": SIZE, "sort": "newest"});
            probes.push(probe("text sorted", path, sorted, Order::Exact));
        }
    }
    probes
}

/// A few words in a row of one fragment or one owner name, as written.
pub(crate) fn run_of_words(rng: &mut ChaCha8Rng, count: Range<usize>) -> String {
    let source = if rng.random_bool(0.75) {
        pick(rng, corpus::fragments()).to_owned()
    } else {
        let names = corpus::name_words();
        format!("{} {}", pick(rng, &names), pick(rng, &names))
    };
    let words: Vec<&str> = source.split_whitespace().collect();
    let count = rng.random_range(count).min(words.len());
    let start = rng.random_range(0..=words.len() - count);
    words[start..start + count].join(" ")
}

/// Two or three words of the visit details or the owner names.
pub(crate) fn any_words(rng: &mut ChaCha8Rng, details: &[String], names: &[String]) -> String {
    let words: Vec<String> = (0..rng.random_range(2..=3))
        .map(|_| if rng.random_bool(0.7) { pick(rng, details) } else { pick(rng, names) })
        .collect();
    words.join(" ")
}

/// A few words in a row, the last cut after one to five characters, as a client types them.
pub(crate) fn typed_so_far(rng: &mut ChaCha8Rng) -> String {
    let words = run_of_words(rng, 1..3);
    let mut words: Vec<&str> = words.split_whitespace().collect();
    let last = words.pop().unwrap_or("a");
    let keep = rng.random_range(1..=last.chars().count().min(5));
    let end = last.char_indices().nth(keep).map_or(last.len(), |(at, _)| at);
    words.push(&last[..end]);
    words.join(" ")
}

/// One of `words` with as many typos as `typo` mode forgives, sometimes one more.
pub(crate) fn misspell(rng: &mut ChaCha8Rng, words: &[String]) -> String {
    let mut chars: Vec<char> = pick(rng, words).chars().collect();
    let allowed = if chars.len() <= 5 { 1 } else { 2 };
    let edits = if rng.random_bool(0.2) { allowed + 1 } else { rng.random_range(1..=allowed) };

    for _ in 0..edits {
        let at = rng.random_range(0..chars.len());
        let letter = *b"abcdefghijklmnopqrstuvwxyz".choose(rng).unwrap_or(&b'e') as char;
        match rng.random_range(0..4) {
            0 => chars[at] = letter,
            1 if chars.len() > 3 => {
                chars.remove(at);
            }
            2 if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => chars.insert(at, letter),
        }
    }
    chars.into_iter().collect()
}

/// Forty mixes of one to three client filters, sometimes with a text, in an exact order.
pub(crate) fn filter_probes(rng: &mut ChaCha8Rng, facts: &Facts) -> Vec<Probe> {
    let mut probes = Vec::new();
    for _ in 0..40 {
        let mut body = Map::new();
        for _ in 0..rng.random_range(1..=3) {
            add_filter(rng, facts, &mut body);
        }
        if rng.random_bool(0.25) {
            body.insert("q".into(), json!(pick(rng, &corpus::detail_words())));
        }
        body.insert("sort".into(), json!(pick(rng, &SORTS[..UNTIED])));
        body.insert("size".into(), json!(SIZE));
        probes.push(probe("filters", "/browse", Value::Object(body), Order::Exact));
    }
    probes
}

/// Adds one filter the corpus has values for.
pub(crate) fn add_filter(rng: &mut ChaCha8Rng, facts: &Facts, body: &mut Map<String, Value>) {
    let (name, value) = match rng.random_range(0..10) {
        0 => ("species", json!(pick(rng, &facts.species))),
        1 => ("breed", some(rng, &facts.breeds, 3)),
        2 => ("tags", some(rng, &facts.tags, 2)),
        3 => ("vaccine", some(rng, &facts.vaccines, 2)),
        4 => {
            let day = pick(rng, &facts.dates)[..10].to_owned();
            let end = date_plus(&day, rng.random_range(0..90));
            match rng.random_range(0..3) {
                0 => ("date_from", json!(day)),
                1 => ("date_to", json!(end)),
                _ => {
                    body.insert("date_from".into(), json!(day));
                    ("date_to", json!(end))
                }
            }
        }
        5 => {
            let low = *facts.weights.choose(rng).unwrap_or(&1.0);
            let high = *facts.weights.choose(rng).unwrap_or(&1.0);
            let (low, high) = (low.min(high), low.max(high));
            match rng.random_range(0..3) {
                0 => ("weight_from", json!(low)),
                1 => ("weight_to", json!(high)),
                _ => {
                    body.insert("weight_from".into(), json!(low));
                    ("weight_to", json!(high))
                }
            }
        }
        6 => {
            let low = rng.random_range(0..=18);
            body.insert("age_from".into(), json!(low));
            ("age_to", json!(rng.random_range(low..=18)))
        }
        7 => ("years", json!(rng.random_range(0..=18))),
        8 => ("insured", json!(rng.random_bool(0.5))),
        _ => {
            let name = *["dated", "weighed", "tagged", "aged"].choose(rng).unwrap_or(&"dated");
            (name, json!(rng.random_bool(0.5)))
        }
    };
    body.insert(name.into(), value);
}

/// One to `most` of `values`.
pub(crate) fn some(rng: &mut ChaCha8Rng, values: &[String], most: usize) -> Value {
    let count = rng.random_range(1..=most);
    json!(values.choose_multiple(rng, count).collect::<Vec<_>>())
}

/// Each sort: its first page, its last page (where missing values come), and a filtered page.
pub(crate) fn sort_probes(rng: &mut ChaCha8Rng, facts: &Facts) -> Vec<Probe> {
    let last_page = DOCUMENTS.div_ceil(SIZE as usize);
    let mut probes = Vec::new();
    for sort in SORTS {
        for page in [1, last_page] {
            let body = json!({"sort": sort, "size": SIZE, "page": page});
            probes.push(probe("sorts", "/browse", body, Order::Exact));
        }
        let mut body = Map::new();
        add_filter(rng, facts, &mut body);
        body.insert("sort".into(), json!(sort));
        body.insert("size".into(), json!(SIZE));
        probes.push(probe("sorts", "/browse", Value::Object(body), Order::Exact));
    }
    probes
}

/// The endpoints with fixed filters, alone and with the client's text and filters.
pub(crate) fn fixed_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    for q in [None, Some("dental"), Some("ear infection"), Some("very good boy")] {
        let mut body = json!({"size": SIZE});
        if let Some(q) = q {
            body["q"] = json!(q);
        }
        probes.push(probe("fixed filters", "/dogs", body, Order::Exact));
    }
    for body in [
        json!({"size": SIZE}),
        json!({"size": SIZE, "sort": "heaviest"}),
        json!({"size": SIZE, "weight_from": 10, "weight_to": 30.5}),
    ] {
        probes.push(probe("fixed filters", "/fixed", body, Order::Exact));
    }
    probes
}

/// Pages 1 to n of sorted searches, ties included.
pub(crate) fn page_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    let walks = [
        ("/browse", json!({"sort": "oldest", "species": "Cat"}), 8),
        ("/browse", json!({"sort": "species"}), 6),
        ("/browse", json!({"sort": "tag_ties", "insured": false}), 6),
        ("/any", json!({"sort": "newest", "q": "ear skin"}), 5),
    ];
    for (path, body, pages) in walks {
        for page in 1..=pages {
            let mut body = body.clone();
            body["page"] = json!(page);
            body["size"] = json!(10);
            probes.push(probe("pages", path, body, Order::Exact));
        }
    }
    probes
}

/// The spellings of values where engines round: dates with and without times, offsets and
/// epoch milliseconds; floats closer than a float's precision; integers with fractions.
pub(crate) fn edge_probes(facts: &Facts) -> Vec<Probe> {
    let day = |n: usize| facts.timed_days[n * 7 % facts.timed_days.len()].clone();
    let weight = |n: usize| facts.weights[n * 37 % facts.weights.len()];
    let millis = |day: &str| {
        let date =
            time::Date::parse(day, time::macros::format_description!("[year]-[month]-[day]"));
        date.map(|date| date.midnight().assume_utc().unix_timestamp() * 1000).unwrap_or(0)
    };
    let bodies = [
        json!({"date_from": day(1), "date_to": day(1)}),
        json!({"date_to": day(2)}),
        json!({
            "date_from": format!("{}T10:00:00Z", day(3)),
            "date_to": format!("{}T18:30", day(3)),
        }),
        json!({"date_from": day(4), "date_to": format!("{}T12:00:00+02:00", day(5))}),
        json!({"date_from": millis(&day(6)), "date_to": millis(&day(7)) + 86_400_000}),
        json!({"day": day(8)}),
        json!({"day": format!("{}T00:00:00Z", day(9))}),
        json!({"kg": weight(1)}),
        json!({"kg": weight(2).to_string()}),
        json!({"weight_from": weight(3), "weight_to": weight(3)}),
        json!({"weight_from": weight(4) + 1e-7, "weight_to": weight(5) - 1e-7}),
        json!({"kg": weight(6) + 1e-7}),
        json!({"age_from": 3.5, "age_to": 7.5}),
        json!({"years": 4.0}),
        json!({"years": 4.5}),
        json!({"tags": ["Chronic"]}),
        json!({"tags": ["chronic", "zz-last"], "tagged": true}),
        json!({"tagged": false}),
        json!({"species": "dog"}),
        json!({"insured": "true"}),
    ];
    bodies
        .into_iter()
        .map(|mut body| {
            body["size"] = json!(SIZE);
            body["sort"] = json!("oldest");
            probe("edge values", "/browse", body, Order::Exact)
        })
        .collect()
}

/// Texts at the edges of the modes: nothing but punctuation, a last word ended by a space or
/// a full stop (which Elasticsearch takes as a whole word, not a prefix), an apostrophe inside
/// the prefix, accents and capitals left out of a misspelt word, and a word with more than
/// fifty indexed words within its typos, of which only the fifty nearest count.
pub(crate) fn text_edge_probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    for (path, q) in [
        ("/all", "--"),
        ("/any", "-- !!!"),
        ("/prefix", "--"),
        ("/prefix", "dental "),
        ("/prefix", "dent "),
        ("/prefix", "dent."),
        ("/prefix", "o'c"),
        ("/prefix", "very very g"),
        ("/typo", "jose"),
        ("/typo", "MARTINEZ"),
        ("/typo", "dentl cleanig"),
        ("/typo", "nguyen"),
        ("/phrase", "dental cleaning"),
        ("/chip", "chip0"),
        ("/chip", "chip07"),
        ("/chip", "chpi07"),
    ] {
        let order = if path == "/typo" { Order::Unordered } else { Order::Scored };
        let order = if path == "/chip" { Order::Exact } else { order };
        probes.push(probe("text edges", path, json!({"q": q, "size": SIZE}), order));
    }
    probes
}

/// The day `days` after `day` (both `YYYY-MM-DD`).
pub(crate) fn date_plus(day: &str, days: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, format).expect("a corpus day");
    (date + time::Duration::days(days)).to_string()
}

pub(crate) fn pick<T: Clone>(rng: &mut ChaCha8Rng, choices: &[T]) -> T {
    choices.choose(rng).cloned().expect("a choice")
}
