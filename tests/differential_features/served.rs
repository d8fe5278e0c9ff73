//! Over HTTP: cursor walks and the total cap.

use super::*;

/// The cursor walks: sorts full of ties, over filters and texts.
pub(crate) fn walks() -> Vec<Value> {
    vec![
        json!({"sort": "species", "species": "Dog"}),
        json!({"sort": "species", "breed": ["Mixed", "Siamese", "Holland Lop"]}),
        json!({"sort": "tag_ties", "age_from": 4, "age_to": 9}),
        json!({"sort": "tag_ties_desc", "insured": true}),
        json!({"sort": "date_ties", "species": "Cat"}),
        json!({"sort": "weight_ties", "breed": ["Border Collie", "Maine Coon"]}),
        json!({"sort": "relevance", "q": "very"}),
        json!({"sort": "relevance", "q": "infection", "tagged": true}),
    ]
}

/// One walk: the `visit_id`s in the order the pages gave them.
pub(crate) struct Walked {
    pub(crate) total: u64,
    pub(crate) ids: Vec<String>,
    pub(crate) pages: usize,
}

/// Follows `next_cursor` from the first page of `body` on `/browse` to the last.
pub(crate) fn walk(server: &Server, body: &Value) -> Result<Walked, String> {
    let mut walked = Walked { total: 0, ids: Vec::new(), pages: 0 };
    let mut cursor: Option<String> = None;
    loop {
        let mut request = body.clone();
        request["size"] = json!(WALK_SIZE);
        if let Some(cursor) = &cursor {
            request["cursor"] = json!(cursor);
        }
        let answer = server.post("/browse", &request);
        if answer.status != 200 {
            return Err(format!(
                "page {} answered {}: {}",
                walked.pages + 1,
                answer.status,
                answer.body
            ));
        }
        walked.pages += 1;
        if walked.pages == 1 {
            walked.total = answer.json["total"].as_u64().unwrap_or_default();
        }
        let hits = answer.json["hits"].as_array().cloned().unwrap_or_default();
        walked
            .ids
            .extend(hits.iter().filter_map(|hit| hit["visit_id"].as_str()).map(str::to_owned));

        match answer.json.get("next_cursor") {
            Some(Value::String(next)) => cursor = Some(next.clone()),
            Some(Value::Null) => return Ok(walked),
            _ => return Err(format!("page {} has no next_cursor: {}", walked.pages, answer.body)),
        }
        if walked.pages as u64 > walked.total / WALK_SIZE + 2 {
            return Err(format!(
                "the walk goes on past {} pages for {} hits",
                walked.pages, walked.total
            ));
        }
    }
}

impl Tally {
    /// Compares two walks of `body`, and each with what a walk must be.
    pub(crate) fn compare_walks(
        &mut self,
        body: &Value,
        here: &Result<Walked, String>,
        there: &Result<Walked, String>,
        name: &str,
    ) {
        let probe = probe("cursor walk", "/browse", body.clone(), Order::Exact);
        self.walks += 1;
        *self.features.entry(probe.feature).or_default() += 1;
        let (here, there) = match (here, there) {
            (Ok(here), Ok(there)) => (here, there),
            (here, there) => {
                let error = |side: &Result<Walked, String>| match side {
                    Ok(_) => "walked".to_owned(),
                    Err(error) => error.clone(),
                };
                self.disagree(
                    &probe,
                    format!("embedded: {}; {name}: {}", error(here), error(there)),
                );
                return;
            }
        };
        self.requests += there.pages;
        self.walk_pages += there.pages;

        for (side, walked) in [("embedded", here), (name, there)] {
            let unique: HashSet<&String> = walked.ids.iter().collect();
            if unique.len() != walked.ids.len() || walked.ids.len() as u64 != walked.total {
                let problem = format!(
                    "on {side}: {} hits over {} pages, {} of them distinct, for a total of {}",
                    walked.ids.len(),
                    walked.pages,
                    unique.len(),
                    walked.total
                );
                self.disagree(&probe, problem);
            }
        }
        let ours = Ranked {
            total: here.total,
            hits: here.ids.iter().map(|id| (id.clone(), 0.0)).collect(),
        };
        let theirs = Ranked {
            total: there.total,
            hits: there.ids.iter().map(|id| (id.clone(), 0.0)).collect(),
        };
        for problem in ours.order_problems(&theirs, name) {
            self.disagree(&probe, problem);
        }
    }
}

/// The requests to the capped endpoint.
pub(crate) fn caps() -> Vec<Value> {
    vec![json!({}), json!({"species": "Dog"}), json!({"species": "Ferret"})]
}

/// The answer of `/capped` to `body`.
pub(crate) fn capped(server: &Server, body: &Value) -> Value {
    let answer = server.post("/capped", body);
    if answer.status == 200 {
        answer.json
    } else {
        json!({"status": answer.status, "body": answer.body})
    }
}

impl Tally {
    /// Compares the capped answers, and checks the embedded one against the corpus.
    pub(crate) fn compare_capped(
        &mut self,
        body: &Value,
        here: &Value,
        there: &Value,
        facts: &Facts,
        name: &str,
    ) {
        let probe = probe("total cap", "/capped", body.clone(), Order::Exact);
        self.requests += 1;
        *self.features.entry(probe.feature).or_default() += 1;

        let ids = |answer: &Value| -> Vec<String> {
            let hits = answer["hits"].as_array().cloned().unwrap_or_default();
            hits.iter().filter_map(|hit| hit["visit_id"].as_str()).map(str::to_owned).collect()
        };
        let shown = |answer: &Value| {
            format!("total {} total_capped {}", answer["total"], answer["total_capped"])
        };
        if here["total"] != there["total"]
            || here["total_capped"] != there["total_capped"]
            || ids(here) != ids(there)
        {
            self.disagree(&probe, format!("{} here, {} on {name}", shown(here), shown(there)));
        }

        let expected = match body["species"].as_str() {
            None => Some(json!({"total": facts.dogs, "total_capped": true})),
            Some("Dog") => Some(json!({"total": facts.dogs, "total_capped": false})),
            _ => None,
        };
        if let Some(expected) = expected
            && (here["total"] != expected["total"]
                || here["total_capped"] != expected["total_capped"])
        {
            self.disagree(
                &probe,
                format!("{} on every engine, expected {}", shown(here), shown(&expected)),
            );
        }
    }
}
