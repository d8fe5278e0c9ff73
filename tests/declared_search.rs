//! The declared search API of the bundled example, on every backend: text modes, filters,
//! fixed filters, sorts, facets, highlighting, pages, sealed cursors, templates, and `GET`
//! beside `POST`. Each engine gets the example's own endpoints over its own seeded index.

mod common;

use std::collections::HashSet;

use common::{Answer, Engine, Server, Setup};
use serde_json::{Value, json};

/// The example's endpoints over a fresh index on `engine`, served.
fn example(engine: &Engine) -> (Setup, Server) {
    let setup = Setup::example(engine);
    let server = setup.serve();
    (setup, server)
}

fn pets(answer: &Answer) -> Vec<String> {
    let hits = answer.json["hits"].as_array().unwrap_or_else(|| panic!("{}", answer.body));
    hits.iter().map(|hit| hit["pet"].as_str().unwrap_or("?").to_owned()).collect()
}

fn ok(answer: Answer) -> Answer {
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

fn problem_fields(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, 422, "{}", answer.body);
    let errors = answer.json["errors"].as_array().cloned().unwrap_or_default();
    errors.iter().map(|error| error["field"].as_str().unwrap_or("?").to_owned()).collect()
}

#[test]
fn text_modes_filters_facets_and_highlights() {
    for engine in Engine::all() {
        let (_dir, server) = example(&engine);
        let name = engine.name();

        let found = ok(server.get("/visits?q=dental+cleaning&size=5"));
        assert_eq!(pets(&found), ["Rocco", "Biscuit"], "{name}");
        assert_eq!(found.json["total"], 2, "{name}");
        assert_eq!(found.json["total_capped"], false, "{name}");
        assert_eq!(found.json["facets"]["species"], json!([{"value": "Dog", "count": 2}]));
        let marked = found.json["hits"][0]["highlight"]["notes"][0].as_str().unwrap_or_default();
        assert!(
            marked.starts_with("<mark>Dental</mark> <mark>cleaning</mark>"),
            "{name}: {marked}"
        );
        let ids: HashSet<&str> = found.json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["id"].as_str())
            .collect();
        assert_eq!(ids.len(), 2, "{name}: each hit carries its own id");

        let filtered = ok(server.get(
            "/visits?species=Dog&species=Cat&visit_date_from=2024-03-01\
             &visit_date_to=2024-05-21&sort=newest",
        ));
        assert_eq!(
            pets(&filtered),
            ["Mochi", "Mango", "Bruno", "Toby", "Sora", "Whiskers"],
            "{name}: the `_to` date covers its whole day"
        );
        let by_species = &filtered.json["facets"]["species"];
        assert_eq!(
            by_species,
            &json!([{"value": "Cat", "count": 3}, {"value": "Dog", "count": 3}])
        );

        let heavy = ok(server.get("/visits?weight_kg_from=20&weight_kg_to=40&sort=heaviest"));
        assert_eq!(pets(&heavy), ["Mango", "Bruno", "Rocco", "Fjord"], "{name}");
        let unvaccinated = ok(server.get("/visits?vaccinated=false&sort=oldest"));
        assert_eq!(pets(&unvaccinated), ["Kiwi", "Nugget", "Praline", "Ziggy"], "{name}");
        let vaccinated = ok(server.get("/visits?vaccinated=true&size=1"));
        assert_eq!(vaccinated.json["total"], 16, "{name}");

        let typed = ok(server.get("/visits/suggest?q=mateo+ga"));
        assert_eq!(pets(&typed), ["Toby"], "{name}");
        let prefix = ok(server.get("/visits/suggest?q=to"));
        assert_eq!(pets(&prefix), ["Toby", "Toby"], "{name}");
        let misspelt = ok(server.get("/visits/forgiving?q=dentl+clening"));
        assert_eq!(pets(&misspelt), ["Rocco", "Biscuit"], "{name}: newest first");

        let dogs = ok(server.get("/dogs"));
        assert_eq!(
            pets(&dogs),
            ["Duke", "Fjord", "Rocco", "Mango", "Bruno", "Sora", "Toby", "Biscuit"],
            "{name}: the fixed filter keeps dogs only"
        );
        assert_eq!(problem_fields(&server.get("/dogs?species=Cat")), ["species"], "{name}");
        assert_eq!(server.post("/dogs", &json!({})).status, 405, "{name}");

        let capped = ok(server.get("/capped"));
        assert_eq!(
            (capped.json["total"].clone(), capped.json["total_capped"].clone()),
            (json!(3), json!(true))
        );
    }
}

#[test]
fn pages_and_sealed_cursors_walk_every_hit_once() {
    for engine in Engine::all() {
        let (_dir, server) = example(&engine);
        let name = engine.name();

        let mut by_page = Vec::new();
        for page in 1..=3 {
            by_page.extend(pets(&ok(server.get(&format!("/visits?sort=pet&size=7&page={page}")))));
        }
        assert_eq!(by_page.len(), 20, "{name}");
        assert_eq!(&by_page[14..17], ["Rocco", "Sora", "Toby"], "{name}");

        let mut walked = Vec::new();
        let mut ids = HashSet::new();
        let mut cursor: Option<String> = None;
        for _ in 0..5 {
            let path = match &cursor {
                Some(cursor) => format!("/visits?sort=pet&size=7&cursor={cursor}"),
                None => "/visits?sort=pet&size=7".to_owned(),
            };
            let page = ok(server.get(&path));
            walked.extend(pets(&page));
            for hit in page.json["hits"].as_array().unwrap() {
                assert!(ids.insert(hit["id"].as_str().unwrap().to_owned()), "{name}: seen twice");
            }
            cursor = page.json["next_cursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(walked, by_page, "{name}: the cursor walk gives the page walk's order");

        let first = ok(server.get("/visits?sort=pet&size=7"));
        let cursor = first.json["next_cursor"].as_str().expect("a cursor").to_owned();
        let other_query = server.get(&format!("/visits?sort=newest&size=7&cursor={cursor}"));
        assert_eq!(problem_fields(&other_query), ["cursor"], "{name}");
        let mut edited = cursor.clone().into_bytes();
        edited[10] = if edited[10] == b'A' { b'B' } else { b'A' };
        let edited = String::from_utf8(edited).unwrap();
        let forged = server.get(&format!("/visits?sort=pet&size=7&cursor={edited}"));
        assert_eq!(problem_fields(&forged), ["cursor"], "{name}");
        let both = server.get(&format!("/visits?sort=pet&page=2&cursor={cursor}"));
        assert_eq!(problem_fields(&both), ["page"], "{name}");
        assert_eq!(problem_fields(&server.get("/visits?size=50&page=11")), ["page"], "{name}");
        let last = ok(server.get("/visits?sort=pet&size=10&page=2"));
        assert_eq!(last.json["next_cursor"], Value::Null, "{name}: no cursor after the end");
    }
}

#[test]
fn templates_fill_typed_values_and_drop_absent_clauses() {
    for engine in Engine::all() {
        let (_dir, server) = example(&engine);
        let name = engine.name();

        let owner = ok(server.get("/visits/by-owner?owner=mateo"));
        assert_eq!(pets(&owner), ["Toby"], "{name}");
        assert_eq!(owner.json["hits"][0]["owner"], "Mateo García", "{name}");
        let since =
            ok(server.post("/visits/by-owner", &json!({"owner": "mateo", "since": "2024-03-01"})));
        assert_eq!(since.json["total"], 0, "{name}");
        let injected = ok(server.post(
            "/visits/by-owner",
            &json!({"owner": "\"}}, {\"match_all\": {}}, {\"x\": \"", "size": 3}),
        ));
        assert_eq!(injected.json["total"], 0, "{name}: a value stays a value");

        assert_eq!(problem_fields(&server.get("/visits/by-owner")), ["owner"], "{name}");
        let bad_date = server.get("/visits/by-owner?owner=mateo&since=last+week");
        assert_eq!(problem_fields(&bad_date), ["since"], "{name}");
    }
}

#[test]
fn get_and_post_agree_and_bad_values_are_named() {
    for engine in Engine::all() {
        let (_dir, server) = example(&engine);
        let name = engine.name();

        let by_get = ok(server.get("/visits?q=check&species=Dog&species=Cat&sort=newest&size=3"));
        let body = json!({"q": "check", "species": ["Dog", "Cat"], "sort": "newest", "size": 3});
        let by_post = ok(server.post("/visits", &body));
        let strip = |answer: &Answer| {
            let mut json = answer.json.clone();
            json.as_object_mut().unwrap().remove("next_cursor");
            json
        };
        assert_eq!(strip(&by_get), strip(&by_post), "{name}");

        let bad = server
            .get("/visits?sort=loudest&size=0&weight_kg_from=heavy&vaccinated=maybe&species=&x=1");
        let mut fields = problem_fields(&bad);
        fields.sort();
        assert_eq!(
            fields,
            ["size", "sort", "species[0]", "vaccinated", "weight_kg_from", "x"],
            "{name}: {}",
            bad.body
        );
        let too_many = json!({"species": ["a", "b", "c", "d", "e", "f"]});
        assert_eq!(problem_fields(&server.post("/visits", &too_many)), ["species"], "{name}");
        assert_eq!(problem_fields(&server.get("/visits?q=a&q=b")), ["q"], "{name}");
    }
}
