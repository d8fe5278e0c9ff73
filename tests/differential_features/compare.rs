//! Comparing library answers.

use super::*;

/// What the comparison with one remote engine saw.
#[derive(Default)]
pub(crate) struct Tally {
    /// Requests compared, cursor pages and capped requests included.
    pub(crate) requests: usize,
    /// Requests per feature.
    pub(crate) features: BTreeMap<&'static str, usize>,
    /// Facets compared.
    pub(crate) facets: usize,
    /// Highlighted hits compared.
    pub(crate) highlights: usize,
    /// Highlights written differently whose text and merged marks agree.
    pub(crate) merged_marks: usize,
    /// Fields OpenSearch marked although their every-word clause did not match.
    pub(crate) opensearch_extra_marks: usize,
    /// Requests that matched nothing on either engine.
    pub(crate) empty: usize,
    /// Pairs of hits scored clearly apart whose order was checked.
    pub(crate) ordered_pairs: usize,
    /// Cursor walks compared, and their pages on this engine.
    pub(crate) walks: usize,
    pub(crate) walk_pages: usize,
    pub(crate) disagreements: Vec<String>,
}

impl Tally {
    /// Compares the embedded answer to `probe` with the remote one.
    pub(crate) fn compare(
        &mut self,
        probe: &Probe,
        here: &Result<SearchResponse, String>,
        there: &Result<SearchResponse, String>,
        name: &str,
    ) {
        self.requests += 1;
        *self.features.entry(probe.feature).or_default() += 1;
        let (here, there) = match (here, there) {
            (Ok(here), Ok(there)) => (here, there),
            (here, there) => {
                let error = |side: &Result<SearchResponse, String>| match side {
                    Ok(_) => "answered".to_owned(),
                    Err(error) => error.clone(),
                };
                self.disagree(
                    probe,
                    format!("embedded: {}; {name}: {}", error(here), error(there)),
                );
                return;
            }
        };

        let mut problems = Vec::new();
        self.empty += usize::from(here.total == 0 && there.total == 0);
        if (here.total, here.total_is_lower_bound) != (there.total, there.total_is_lower_bound) {
            problems.push(format!("total {} here, {} on {name}", here.total, there.total));
        }
        let (ours, theirs) = (Ranked::new(here), Ranked::new(there));
        problems.extend(match probe.order {
            Order::Exact => ours.order_problems(&theirs, name),
            Order::Scored => {
                self.ordered_pairs +=
                    ours.clear_pairs(&theirs).len() + theirs.clear_pairs(&ours).len();
                ours.scored_problems(&theirs, name)
            }
            Order::Unordered => ours.set_problems(&theirs, name),
        });

        self.facets += here.facets.len();
        if here.facets.len() != there.facets.len() {
            let counts = (here.facets.len(), there.facets.len());
            problems.push(format!("{} facets here, {} on {name}", counts.0, counts.1));
        }
        let differing: Vec<_> =
            here.facets.iter().zip(&there.facets).filter(|(ours, theirs)| ours != theirs).collect();
        if let Some((ours, theirs)) = differing.first() {
            let show = |facet: &moat::backend::Facet| {
                let buckets = facet.buckets.iter().map(|b| format!("{} {}", b.value, b.count));
                buckets.collect::<Vec<_>>().join(", ")
            };
            problems.push(format!(
                "{} facets differ, first {}: [{}] here, [{}] on {name}",
                differing.len(),
                ours.field,
                show(ours),
                show(theirs)
            ));
        }

        let highlights = self.highlight_problems(here, there, name);
        if !highlights.is_empty() {
            let first: Vec<&str> = highlights.iter().take(2).map(String::as_str).collect();
            problems.push(format!("{} highlights differ: {}", highlights.len(), first.join("; ")));
        }
        if !problems.is_empty() {
            self.disagree(probe, problems.join("; "));
        }
    }

    /// The highlights of the hits both engines returned, compared.
    pub(crate) fn highlight_problems(
        &mut self,
        here: &SearchResponse,
        there: &SearchResponse,
        name: &str,
    ) -> Vec<String> {
        let theirs: HashMap<&str, &Map<String, Value>> =
            there.hits.iter().map(|hit| (visit_id(&hit.source), &hit.highlight)).collect();
        let mut problems = Vec::new();

        for hit in &here.hits {
            let Some(marked) = theirs.get(visit_id(&hit.source)) else { continue };
            self.highlights += usize::from(!hit.highlight.is_empty());
            let fields: BTreeSet<&String> = hit.highlight.keys().chain(marked.keys()).collect();
            for field in fields {
                let ours = marks(hit.highlight.get(field));
                let others = marks(marked.get(field));
                self.merged_marks +=
                    usize::from(ours == others && hit.highlight.get(field) != marked.get(field));
                // OpenSearch also marks the words of a field whose every-word clause did not
                // match the document; Elasticsearch, and the embedded backend after it, do not.
                let unmatched_clause = name == "opensearch" && hit.highlight.get(field).is_none();
                self.opensearch_extra_marks += usize::from(unmatched_clause && ours != others);
                if ours != others && !unmatched_clause {
                    problems.push(format!(
                        "highlight of {} in {}: {} here, {} on {name}",
                        field,
                        visit_id(&hit.source),
                        json!(hit.highlight.get(field)),
                        json!(marked.get(field))
                    ));
                }
            }
        }
        problems
    }

    pub(crate) fn disagree(&mut self, probe: &Probe, problem: String) {
        self.disagreements.push(format!("{probe}: {problem}"));
    }

    /// The summary line.
    pub(crate) fn summary(&self, name: &str) -> String {
        let features: Vec<String> =
            self.features.iter().map(|(feature, count)| format!("{feature} {count}")).collect();
        format!(
            "differential features embedded vs {name}: {DOCUMENTS} documents, {} requests \
             compared ({}; {} cursor walks of {} pages; {} matching nothing), {} facets, {} \
             highlighted hits ({} equal once adjacent marks merge, {} marked by OpenSearch alone \
             in fields whose clause did not match), {} ordered pairs checked, {} disagreements",
            self.requests,
            features.join(", "),
            self.walks,
            self.walk_pages,
            self.empty,
            self.facets,
            self.highlights,
            self.merged_marks,
            self.opensearch_extra_marks,
            self.ordered_pairs,
            self.disagreements.len()
        )
    }
}

pub(crate) fn visit_id(source: &Map<String, Value>) -> &str {
    source.get("visit_id").and_then(Value::as_str).unwrap_or("?")
}

/// A highlight read back: each value's text without the tags, and its marked spans, marks
/// separated by no more than spaces and punctuation merged into one.
pub(crate) fn marks(highlight: Option<&Value>) -> Vec<(String, Vec<String>)> {
    let values = highlight.and_then(Value::as_array).cloned().unwrap_or_default();
    values.iter().filter_map(Value::as_str).map(read_marks).collect()
}

pub(crate) fn read_marks(marked: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut rest = marked;
    while let Some(start) = rest.find(PRE) {
        text.push_str(&rest[..start]);
        rest = &rest[start + PRE.len()..];
        let end = rest.find(POST).unwrap_or(rest.len());
        let from = text.len();
        text.push_str(&rest[..end]);
        rest = rest.get(end + POST.len()..).unwrap_or("");

        match spans.last_mut() {
            Some(last) if !text[last.end..from].chars().any(char::is_alphanumeric) => {
                last.end = text.len();
            }
            _ => spans.push(from..text.len()),
        }
    }
    text.push_str(rest);
    let spans = spans.into_iter().map(|span| text[span].to_owned()).collect();
    (text, spans)
}

/// The highlight reading the comparison relies on: tags out, neighbouring marks merged.
#[test]
pub(crate) fn marks_read_the_same_however_a_phrase_is_marked() {
    let whole = "<mark>Dental cleaning</mark>, <mark>dental</mark>-check &amp; <mark>x</mark>";
    let words = "<mark>Dental</mark> <mark>cleaning</mark>, <mark>dental</mark>-check &amp; \
                 <mark>x</mark>";
    let text = "Dental cleaning, dental-check &amp; x".to_owned();
    let expected = (text, vec!["Dental cleaning, dental".to_owned(), "x".to_owned()]);

    assert_eq!(read_marks(whole), expected);
    assert_eq!(read_marks(words), expected);
    assert_ne!(read_marks("<mark>Dental</mark> cleaning"), read_marks(whole));
}

/// An answer's hits: `visit_id` and score, in order.
pub(crate) struct Ranked {
    pub(crate) total: u64,
    pub(crate) hits: Vec<(String, f32)>,
}

impl Ranked {
    pub(crate) fn new(found: &SearchResponse) -> Ranked {
        let hits = found.hits.iter().map(|hit| (visit_id(&hit.source).to_owned(), hit.score));
        Ranked { total: found.total, hits: hits.collect() }
    }

    pub(crate) fn is_cut(&self) -> bool {
        self.total > self.hits.len() as u64
    }

    pub(crate) fn ids(&self) -> Vec<&str> {
        self.hits.iter().map(|(id, _)| id.as_str()).collect()
    }

    /// The same hits in the same order.
    pub(crate) fn order_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        let (ours, theirs) = (self.ids(), other.ids());
        if ours == theirs {
            return Vec::new();
        }
        let at = ours.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
        let around = |ids: &[&str]| sample(ids.iter().skip(at).copied());
        vec![format!(
            "hits differ from position {at} ({} hits here, {} on {name}): {} here, {} on {name}",
            ours.len(),
            theirs.len(),
            around(&ours),
            around(&theirs)
        )]
    }

    /// The same hits when every match fits the page.
    pub(crate) fn set_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        if self.is_cut() || other.is_cut() {
            return Vec::new();
        }
        let ours: BTreeSet<&str> = self.ids().into_iter().collect();
        let theirs: BTreeSet<&str> = other.ids().into_iter().collect();
        if ours == theirs {
            return Vec::new();
        }
        let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| sample(a.difference(b).copied());
        vec![format!(
            "hits only here: {}; only on {name}: {}",
            only(&ours, &theirs),
            only(&theirs, &ours)
        )]
    }

    /// The rules of relevance: the same hits but for ties at a page's cut, and hits one
    /// engine scores clearly apart in the same order on the other.
    pub(crate) fn scored_problems(&self, other: &Ranked, name: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let (only_here, only_there) = (self.missing_from(other), other.missing_from(self));
        if !only_here.is_empty() || !only_there.is_empty() {
            problems.push(format!(
                "hits only here: {}; only on {name}: {}",
                sample(only_here.into_iter()),
                sample(only_there.into_iter())
            ));
        }

        let swapped: Vec<String> = self
            .clear_pairs(other)
            .into_iter()
            .chain(other.clear_pairs(self))
            .filter(|(_, _, same)| !same)
            .map(|(better, worse, _)| format!("{better} before {worse}"))
            .collect();
        if !swapped.is_empty() {
            problems.push(format!(
                "order: clearly apart on one engine, swapped on the other: {}",
                sample(swapped.iter().map(String::as_str))
            ));
        }
        problems
    }

    /// The hits of this page `other` lacks, but for those tied with this page's cut.
    pub(crate) fn missing_from<'a>(&'a self, other: &Ranked) -> Vec<&'a str> {
        let theirs: HashSet<&str> = other.ids().into_iter().collect();
        let cut = self.hits.last().map(|(_, score)| *score).filter(|_| self.is_cut());
        self.hits
            .iter()
            .filter(|(id, score)| {
                !theirs.contains(id.as_str()) && !cut.is_some_and(|cut| ties(*score, cut))
            })
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The pairs this page scores clearly apart that `other` holds too, and whether `other`
    /// orders them the same way.
    pub(crate) fn clear_pairs<'a>(&'a self, other: &Ranked) -> Vec<(&'a str, &'a str, bool)> {
        let ranks: HashMap<&str, usize> =
            other.ids().into_iter().enumerate().map(|(rank, id)| (id, rank)).collect();
        let mut pairs = Vec::new();
        for (first, (better, high)) in self.hits.iter().enumerate() {
            for (worse, low) in &self.hits[first + 1..] {
                if let (Some(a), Some(b)) = (ranks.get(better.as_str()), ranks.get(worse.as_str()))
                    && !ties(*high, *low)
                {
                    pairs.push((better.as_str(), worse.as_str(), a < b));
                }
            }
        }
        pairs
    }
}

/// Whether two scores of one engine are equal but for rounding.
pub(crate) fn ties(a: f32, b: f32) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs())
}

/// The first few items, and how many there are.
pub(crate) fn sample<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<&str> = items.iter().take(5).copied().collect();
    format!("{} of them: {}", items.len(), shown.join(", "))
}
