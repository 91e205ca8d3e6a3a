//! The function points of the Swagger Petstore (OpenAPI 3.0) against a count by hand.
//!
//! The hand count, by the rules of docs/quote.md (re-checked for issue 12, where the rule for
//! internal logical files changed: one per logical entity, not one per schema):
//!
//! Entities (rule 6). Every operation sends or returns Pet, Order, User or ApiResponse whole.
//! Category and Tag are only ever inside a Pet (Pet.category, Pet.tags) — no operation reads or
//! writes one on its own — so they are sub-groups of the Pet entity, not files of their own.
//! No two schemas are variants of one entity (no shared name, no composition). Customer and
//! Address are reached by no operation: not counted.
//!   Order       DET 6 (id, petId, quantity, shipDate, status, complete)   RET 1   low  7
//!   User        DET 8                                                     RET 1   low  7
//!   Pet         DET 6 own (id, name, category, photoUrls, tags, status)
//!               + 2 of Category (id, name) + 2 of Tag (id, name) = 10     RET 3   low  7
//!   ApiResponse DET 3 (code, type, message)                               RET 1   low  7
//!   ILF: 4 × 7 = 28.
//!
//! Operations (DET = distinct names of parameters, request-body fields and success-response
//! fields; FTR = the logical files reached — the Pet entity is one file; success = 2xx, else
//! `default`):
//!   POST /pet            EI  DET 6 (Pet in and out)          FTR 1 (Pet)                 low   3
//!   PUT /pet             EI  DET 6                           FTR 1                       low   3
//!   GET /pet/findByStatus EQ DET 6 (status is also a Pet field) FTR 1                    low   3
//!   GET /pet/findByTags  EQ  DET 6 (tags is also a Pet field)  FTR 1                     low   3
//!   GET /pet/{petId}     EQ  DET 7 (petId + 6)               FTR 1                       low   3
//!   POST /pet/{petId}    EI  DET 3 (petId, name, status; only a 400 response) FTR 0      low   3
//!   DELETE /pet/{petId}  EI  DET 2 (api_key, petId)          FTR 0                       low   3
//!   POST …/uploadImage   EI  DET 6 (petId, additionalMetadata, the binary body, 3 of ApiResponse)
//!                                                            FTR 1 (ApiResponse)         low   3
//!   GET /store/inventory EO  DET 1 (a computed map: an inline object) FTR 0              low   4
//!   POST /store/order    EI  DET 6 (Order)                   FTR 1                       low   3
//!   GET /store/order/{orderId} EQ DET 7                      FTR 1                       low   3
//!   DELETE /store/order/{orderId} EI DET 1                   FTR 0                       low   3
//!   POST /user           EI  DET 8 (User in; `default` response User) FTR 1              low   3
//!   POST /user/createWithList EI DET 8 (array of User; 200 User) FTR 1                   low   3
//!   GET /user/login      EQ  DET 3 (username, password, the string returned) FTR 0       low   3
//!   GET /user/logout     EQ  DET 0                           FTR 0                       low   3
//!   GET /user/{username} EQ  DET 8 (username is also a User field) FTR 1                 low   3
//!   PUT /user/{username} EI  DET 8                           FTR 1                       low   3
//!   DELETE /user/{username} EI DET 1                         FTR 0                       low   3
//!
//! EI: 11 low = 33; EO: 4; EQ: 7 low = 21; ILF: 28.
//! UFP = 33 + 4 + 21 + 28 = 86; with every GSC at 3, VAF = 1.07 and AFP = 92.02.
//! (Before issue 12, Category and Tag counted as two more ILFs and three more FTRs of every Pet
//! operation: 109 UFP.)

use gigops_quote::fp::{self, Complexity, FunctionKind, Gsc};
use gigops_quote::openapi;

use crate::{counted, fixture, table};

fn hand_count() -> Vec<(&'static str, FunctionKind, u32, u32, Complexity, u32)> {
    use Complexity::*;
    use FunctionKind::*;
    vec![
        ("addPet", EI, 6, 1, Low, 3),
        ("updatePet", EI, 6, 1, Low, 3),
        ("findPetsByStatus", EQ, 6, 1, Low, 3),
        ("findPetsByTags", EQ, 6, 1, Low, 3),
        ("getPetById", EQ, 7, 1, Low, 3),
        ("updatePetWithForm", EI, 3, 0, Low, 3),
        ("deletePet", EI, 2, 0, Low, 3),
        ("uploadFile", EI, 6, 1, Low, 3),
        ("getInventory", EO, 1, 0, Low, 4),
        ("placeOrder", EI, 6, 1, Low, 3),
        ("getOrderById", EQ, 7, 1, Low, 3),
        ("deleteOrder", EI, 1, 0, Low, 3),
        ("createUser", EI, 8, 1, Low, 3),
        ("createUsersWithListInput", EI, 8, 1, Low, 3),
        ("loginUser", EQ, 3, 0, Low, 3),
        ("logoutUser", EQ, 0, 0, Low, 3),
        ("getUserByName", EQ, 8, 1, Low, 3),
        ("updateUser", EI, 8, 1, Low, 3),
        ("deleteUser", EI, 1, 0, Low, 3),
        // Data, in the order of components.schemas.
        ("Order", ILF, 6, 1, Low, 7),
        ("User", ILF, 8, 1, Low, 7),
        ("Pet", ILF, 10, 3, Low, 7),
        ("ApiResponse", ILF, 3, 1, Low, 7),
    ]
}

#[test]
fn petstore_function_points_equal_the_hand_count() {
    let api = counted("petstore3.yaml");
    assert_eq!(table(&api), hand_count());
    assert_eq!(api.unreferenced_schemas, ["Customer", "Address"]);
    assert_eq!(api.operations.len(), 19);

    assert_eq!(api.value_schemas, Vec::<String>::new());
    let pet = api.functions.iter().find(|f| f.name == "Pet").unwrap();
    assert_eq!(
        pet.reason.as_deref(),
        Some(
            "components.schemas.Pet: a schema the service owns, reached by an operation; Category, Tag only ever inside it: sub-groups (record element types) of it"
        )
    );

    let points = fp::count(api.functions, &Gsc::default());
    assert_eq!(points.ufp, 86.0);
    let by_kind: Vec<(FunctionKind, u32, u32, u32, u32)> = points
        .by_kind
        .iter()
        .map(|k| (k.kind, k.low, k.average, k.high, k.points))
        .collect();
    assert_eq!(
        by_kind,
        [
            (FunctionKind::EI, 11, 0, 0, 33),
            (FunctionKind::EO, 1, 0, 0, 4),
            (FunctionKind::EQ, 7, 0, 0, 21),
            (FunctionKind::ILF, 4, 0, 0, 28),
            (FunctionKind::EIF, 0, 0, 0, 0),
        ]
    );
    assert!((points.vaf - 1.07).abs() < 1e-12);
    assert!((points.afp - 92.02).abs() < 1e-9);
}

#[test]
fn the_json_form_counts_the_same() {
    let yaml = counted("petstore3.yaml");
    let json = counted("petstore3.json");
    let strip = |api: &openapi::ApiCount| {
        api.functions
            .iter()
            .map(|f| (f.name.clone(), f.kind, f.det, f.ret, f.ftr, f.points))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&yaml), strip(&json));
    assert_eq!(json.title, "Swagger Petstore - OpenAPI 3.0");
}

#[test]
fn the_contract_table_has_required_fields_and_types() {
    let api = counted("petstore3.yaml");
    let add = &api.operations[0];
    assert_eq!((add.method.as_str(), add.path.as_str()), ("POST", "/pet"));
    assert_eq!(add.summary.as_deref(), Some("Add a new pet to the store"));
    let required: Vec<(&str, &str, &str)> = add
        .required_fields
        .iter()
        .map(|f| (f.name.as_str(), f.location.as_str(), f.type_name.as_str()))
        .collect();
    assert_eq!(
        required,
        [
            ("name", "body", "string"),
            ("photoUrls", "body", "array<string>")
        ]
    );
    let get = api
        .operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some("getPetById"))
        .unwrap();
    assert_eq!(get.required_fields[0].type_name, "integer/int64");
    assert_eq!(get.required_fields[0].location, "path");
}

#[test]
fn the_petstore_contract_by_hand() {
    let text = std::fs::read_to_string(fixture("petstore3.yaml")).unwrap();
    let contract = openapi::api_contract("petstore3.yaml", &text).unwrap();
    assert_eq!(contract.title, "Swagger Petstore - OpenAPI 3.0");
    assert_eq!(contract.version, "1.0.26-SNAPSHOT");
    assert_eq!(contract.rows.len(), 19);
    let row = |id: &str| {
        contract
            .rows
            .iter()
            .find(|r| r.operation_id.as_deref() == Some(id))
            .unwrap()
    };
    let fields = |id: &str| -> Vec<(String, String, String)> {
        row(id)
            .required_fields
            .iter()
            .map(|f| (f.name.clone(), f.location.clone(), f.type_name.clone()))
            .collect()
    };
    let own = |v: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect()
    };

    // POST /pet: Pet requires name and photoUrls; no example in the document, so one is built
    // from Pet's property examples (id 10, doggie), Category's (1, Dogs), the first enum value
    // of status, and types elsewhere.
    let add = row("addPet");
    assert_eq!((add.method.as_str(), add.path.as_str()), ("POST", "/pet"));
    assert_eq!(add.summary.as_deref(), Some("Add a new pet to the store"));
    assert_eq!(
        fields("addPet"),
        own(&[
            ("name", "body", "string"),
            ("photoUrls", "body", "array<string>")
        ])
    );
    let example = add.example.as_ref().unwrap();
    assert_eq!((example.of, example.source), ("request", "schema"));
    assert_eq!(
        example.json,
        r#"{
  "id": 10,
  "name": "doggie",
  "category": {"id": 1, "name": "Dogs"},
  "photoUrls": ["string"],
  "tags": [
    {"id": 0, "name": "string"}
  ],
  "status": "available"
}"#
    );

    // GET /pet/{petId}: the path parameter; no body, so the example is the response's.
    assert_eq!(
        fields("getPetById"),
        own(&[("petId", "path", "integer/int64")])
    );
    let example = row("getPetById").example.as_ref().unwrap();
    assert_eq!((example.of, example.source), ("response", "schema"));
    assert!(
        example.json.starts_with("{\n  \"id\": 10,"),
        "{}",
        example.json
    );

    // The inventory is a map of integers; logging in takes two optional parameters and
    // returns a string.
    assert!(fields("getInventory").is_empty());
    assert_eq!(
        row("getInventory").example.as_ref().unwrap().json,
        r#"{"key": 0}"#
    );
    assert!(fields("loginUser").is_empty());
    assert_eq!(
        row("loginUser").example.as_ref().unwrap().json,
        r#""string""#
    );
    // An upload's body is binary; deleting a pet sends a path parameter and returns nothing.
    assert_eq!(
        fields("uploadFile"),
        own(&[("petId", "path", "integer/int64")])
    );
    assert_eq!(
        row("uploadFile").example.as_ref().unwrap().json,
        r#""(binary data)""#
    );
    assert_eq!(
        fields("deletePet"),
        own(&[("petId", "path", "integer/int64")])
    );
    assert_eq!(row("deletePet").example, None);
    // Orders: the document's property examples make the example.
    assert_eq!(
        row("placeOrder").example.as_ref().unwrap().json,
        r#"{
  "id": 10,
  "petId": 198772,
  "quantity": 7,
  "shipDate": "2025-01-31T09:30:00Z",
  "status": "approved",
  "complete": true
}"#
    );
}

#[test]
fn required_fields_follow_refs_and_all_of_and_examples_come_from_the_document() {
    let doc = r##"openapi: 3.1.0
info: {title: Shop, version: "2"}
paths:
  /orders:
    post:
      summary: Place an order
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string, format: uuid}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
            examples:
              small: {$ref: '#/components/examples/SmallOrder'}
      responses:
        '201':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
              example: {id: 7, total: 12.5}
    get:
      responses:
        '200':
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Order'}
components:
  examples:
    SmallOrder:
      value: {customer: c-1, lines: [{sku: A1, quantity: 2}]}
  schemas:
    Line:
      type: object
      required: [sku, quantity]
      properties:
        sku: {type: string}
        quantity: {type: integer, minimum: 1}
    Base:
      type: object
      required: [customer]
      properties:
        customer: {type: string}
        note: {type: [string, "null"]}
    NewOrder:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [lines]
          properties:
            lines: {type: array, items: {$ref: '#/components/schemas/Line'}}
            coupon: {type: string}
    Order:
      allOf:
        - {$ref: '#/components/schemas/NewOrder'}
        - {type: object, required: [id], properties: {id: {type: integer}, total: {type: number}}}
"##;
    let contract = openapi::api_contract("shop.yaml", doc).unwrap();
    let post = &contract.rows[0];
    let fields: Vec<(&str, &str, &str)> = post
        .required_fields
        .iter()
        .map(|f| (f.name.as_str(), f.location.as_str(), f.type_name.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Idempotency-Key", "header", "string/uuid"),
            ("customer", "body", "string"),
            ("lines", "body", "array<Line>"),
        ]
    );
    let example = post.example.as_ref().unwrap();
    assert_eq!((example.of, example.source), ("request", "document"));
    assert_eq!(
        example.json,
        "{\n  \"customer\": \"c-1\",\n  \"lines\": [\n    {\"sku\": \"A1\", \"quantity\": 2}\n  ]\n}"
    );
    // A list of orders, built through the array, the allOf and both references; 3.1's list of
    // types takes its first that is not null.
    let get = &contract.rows[1];
    let example = get.example.as_ref().unwrap();
    assert_eq!((example.of, example.source), ("response", "schema"));
    assert_eq!(
        example.json,
        "[\n  {\n    \"customer\": \"string\",\n    \"note\": \"string\",\n    \"lines\": [\n      {\"sku\": \"string\", \"quantity\": 0}\n    ],\n    \"coupon\": \"string\",\n    \"id\": 0,\n    \"total\": 0.0\n  }\n]"
    );
    // A problem of the document is reported as the count reports it.
    let err = openapi::api_contract("bad.yaml", "openapi: 3.0.0\npaths:\n  /a: 5\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.yaml:3: column 7: /a: expected a path item (a mapping of operations), found an integer"
    );
}
