//! Fuzzing the spec, risk and OpenAPI readers: whatever the text, they return a result or
//! located problems (in the file, on a line that exists, with a reason), and never panic. Runs
//! in every test run, from arbitrary text and from byte-level mutations of valid documents, so
//! that the inputs stay close enough to the formats to reach deep branches.

use gigops_core::Problems;
use gigops_quote::size::default_loc_per_fp;
use gigops_quote::{openapi, spec};
use proptest::prelude::*;

const SPEC: &str = "name: Shop\nlanguage: Go\ndata:\n  - {name: Customer, det: 12, ret: 2}\n  - name: Rates\n    kind: external\n    level: low\ninputs:\n  - {name: Pay, det: 8, ftr: 2}\noutputs:\n  - {name: Report, level: high}\ninquiries:\n  - {name: Order, det: 6}\ngsc: {performance: 5}\nratings: {RELY: high}\nrisks:\n  - {name: Late, probability: 0.25, impact_hours: [8, 16, 40]}\n";

const API: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pets/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: integer}}\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n    put:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              allOf:\n                - $ref: '#/components/schemas/Pet'\n                - {type: object, properties: {note: {type: string}}}\n      responses:\n        default: {description: ok}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required: [name]\n      properties:\n        name: {type: string}\n        owner: {$ref: '#/components/schemas/Owner'}\n        tags: {type: array, items: {type: object, properties: {v: {type: string}}}}\n    Owner: {type: object, properties: {id: {type: integer}, self: {$ref: '#/components/schemas/Owner'}}}\n";

fn located(problems: &Problems, text: &str) {
    gigops_test_support::fuzz::assert_located(problems, text.lines().count() as u64 + 1);
}

fn check(text: &str) {
    if let Err(problems) = spec::parse("input", text, &default_loc_per_fp()) {
        located(&problems, text);
    }
    if let Err(problems) = spec::parse_risks("input", text) {
        located(&problems, text);
    }
    match openapi::count("input", text) {
        Ok(api) => {
            for f in &api.functions {
                assert!(f.points >= 3 && f.points <= 15);
            }
        }
        Err(problems) => located(&problems, text),
    }
}

/// Bytes YAML and JSON give meaning to.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    gigops_test_support::fuzz::mutate_text(text, edits, b" :-[]{}#&*!|>'\"\n\t0a$")
}

#[test]
fn the_valid_documents_read() {
    assert!(spec::parse("input", SPEC, &default_loc_per_fp()).is_ok());
    let api = openapi::count("input", API).unwrap();
    // GET (EQ) and PUT (EI), then Pet, with Owner a sub-group of it: Owner is only ever inside
    // a Pet (its reference to itself aside), never sent or returned on its own: RET 3, the Pet,
    // its Owner and its inline tags.
    assert_eq!(api.functions.len(), 3);
    assert_eq!(api.functions[2].ret, Some(3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check(&text);
    }

    #[test]
    fn mutated_specs_never_panic(edits in proptest::collection::vec((0usize..2000, any::<u8>()), 1..12)) {
        check(&mutate(SPEC, &edits));
    }

    #[test]
    fn mutated_api_documents_never_panic(edits in proptest::collection::vec((0usize..2000, any::<u8>()), 1..12)) {
        check(&mutate(API, &edits));
    }
}
