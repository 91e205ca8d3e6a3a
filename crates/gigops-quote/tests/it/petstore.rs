//! The function points of the Swagger Petstore (OpenAPI 3.0) against a count by hand.
//!
//! The hand count, by the rules of docs/quote.md:
//!
//! Schemas (fields = properties; RET = 1 + inline-object subgroups; none has an inline object):
//!   Pet 6 (id, name, category, photoUrls, tags, status) and reaches Category and Tag;
//!   Category 2; Tag 2; Order 6; User 8; ApiResponse 3 (code, type, message).
//!   Customer and Address are reached by no operation: not counted.
//!   Every counted schema has DET ≤ 19 and 1 RET: ILF low, 7 points each → 6 × 7 = 42.
//!
//! Operations (DET = distinct names of parameters, request-body fields and success-response
//! fields; FTR = schemas reached; success = 2xx, else `default`):
//!   POST /pet            EI  DET 6 (Pet in and out)          FTR 3 (Pet, Category, Tag)  high  6
//!   PUT /pet             EI  DET 6                           FTR 3                       high  6
//!   GET /pet/findByStatus EQ DET 6 (status is also a Pet field) FTR 3                    avg   4
//!   GET /pet/findByTags  EQ  DET 6 (tags is also a Pet field)  FTR 3                     avg   4
//!   GET /pet/{petId}     EQ  DET 7 (petId + 6)               FTR 3                       avg   4
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
//! EI: 2 high + 9 low = 12 + 27 = 39; EO: 4; EQ: 3 average + 4 low = 12 + 12 = 24; ILF: 42.
//! UFP = 39 + 4 + 24 + 42 = 109; with every GSC at 3, VAF = 1.07 and AFP = 116.63.

use gigops_quote::fp::{self, Complexity, FunctionKind, Gsc};
use gigops_quote::openapi;

use crate::fixture;

fn hand_count() -> Vec<(&'static str, FunctionKind, u32, u32, Complexity, u32)> {
    use Complexity::*;
    use FunctionKind::*;
    vec![
        ("addPet", EI, 6, 3, High, 6),
        ("updatePet", EI, 6, 3, High, 6),
        ("findPetsByStatus", EQ, 6, 3, Average, 4),
        ("findPetsByTags", EQ, 6, 3, Average, 4),
        ("getPetById", EQ, 7, 3, Average, 4),
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
        ("Category", ILF, 2, 1, Low, 7),
        ("User", ILF, 8, 1, Low, 7),
        ("Tag", ILF, 2, 1, Low, 7),
        ("Pet", ILF, 6, 1, Low, 7),
        ("ApiResponse", ILF, 3, 1, Low, 7),
    ]
}

fn counted(file: &str) -> openapi::ApiCount {
    let path = fixture(file);
    openapi::count(file, &std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn petstore_function_points_equal_the_hand_count() {
    let api = counted("petstore3.yaml");
    let got: Vec<(&str, FunctionKind, u32, u32, Complexity, u32)> = api
        .functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.kind,
                f.det.unwrap(),
                f.ret.or(f.ftr).unwrap(),
                f.complexity,
                f.points,
            )
        })
        .collect();
    assert_eq!(got, hand_count());
    assert_eq!(api.unreferenced_schemas, ["Customer", "Address"]);
    assert_eq!(api.operations.len(), 19);

    let points = fp::count(api.functions, &Gsc::default());
    assert_eq!(points.ufp, 109.0);
    let by_kind: Vec<(FunctionKind, u32, u32, u32, u32)> = points
        .by_kind
        .iter()
        .map(|k| (k.kind, k.low, k.average, k.high, k.points))
        .collect();
    assert_eq!(
        by_kind,
        [
            (FunctionKind::EI, 9, 0, 2, 39),
            (FunctionKind::EO, 1, 0, 0, 4),
            (FunctionKind::EQ, 4, 3, 0, 24),
            (FunctionKind::ILF, 6, 0, 0, 42),
            (FunctionKind::EIF, 0, 0, 0, 0),
        ]
    );
    assert!((points.vaf - 1.07).abs() < 1e-12);
    assert!((points.afp - 116.63).abs() < 1e-9);
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
