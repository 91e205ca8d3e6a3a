//! Internal logical files as IFPUG counts them: one per logical entity, however many schemas a
//! document publishes it as (issue 12), against counts by hand on two real-shaped documents.

use gigops_quote::fp::{self, Complexity, FunctionKind, Gsc};
use gigops_quote::openapi;

use crate::{counted, fixture, table};

/// GitHub-shaped: four schemas of one repository, four (and a choice) of one user.
///
/// Entities (docs/quote.md, rule 6):
/// - repository, nullable-repository, full-repository and minimal-repository name one entity
///   (the words `nullable`, `full`, `minimal` name variants). DET: the fields of the four by
///   name — repository's 12 (id, name, full_name, owner, private, html_url, description, fork,
///   license, permissions, template_repository, visibility) and full-repository's 5 more
///   (organization, parent, source, subscribers_count, network_count) = 17 — and the 4 of
///   nullable-license-simple, only ever inside a repository, a sub-group of it = 21. RET: 4
///   variants + the license sub-group + the inline `permissions` = 6 → high, 15.
/// - simple-user, nullable-simple-user, public-user and private-user name one entity, and
///   user-by-username is a choice between two of them (`oneOf`, no fields of its own): the same
///   entity. DET: login, id, avatar_url, html_url, type, name, company, public_repos,
///   created_at, private_gists, two_factor_authentication, plan = 12. RET: the 4 variants with
///   fields + the inline `plan` = 5 → low, 7.
/// - repository-visibility is a string enum: a data element, no file. license-simple is
///   reached by nothing.
///
/// Transactions (FTR: the entities reached, 2 for anything returning a repository — the
/// repository and its owner, a user):
///   GET repo        EQ DET 15 (owner, repo + full-repository's 14, owner counted once)  avg 4
///   PATCH repo      EI DET 15 (+ name, description, private, all full-repository's)     avg 4
///   GET org repos   EQ DET 9 (org, sort + minimal-repository's 7)                       avg 4
///   POST org repos  EI DET 16 (org, license_template + full-repository's 14)            high 6
///   GET forks       EQ DET 8 (owner, repo + minimal-repository's 7, owner once)         avg 4
///   GET /user       EQ DET 9 (private-user's 9, public-user's within them)  FTR 1       low 3
///   GET user        EQ DET 10 (username + 9)                                FTR 1       low 3
///
/// UFP = EQ 18 + EI 10 + ILF 22 = 50. One file per reached schema, as before issue 12, made 11
/// files of 7 points each (the enum too) and 7 FTR of a full repository's operations, which
/// rated them high: 77 + 34 = 111 UFP, data functions 69 % of it.
#[test]
fn the_variants_of_an_entity_are_one_internal_logical_file() {
    use Complexity::*;
    use FunctionKind::*;
    let api = counted("variants.yaml");
    assert_eq!(
        table(&api),
        [
            ("repos/get", EQ, 15, 2, Average, 4),
            ("repos/update", EI, 15, 2, Average, 4),
            ("repos/list-for-org", EQ, 9, 2, Average, 4),
            ("repos/create-in-org", EI, 16, 2, High, 6),
            ("repos/list-forks", EQ, 8, 2, Average, 4),
            ("users/get-authenticated", EQ, 9, 1, Low, 3),
            ("users/get-by-username", EQ, 10, 1, Low, 3),
            ("simple-user", ILF, 12, 5, Low, 7),
            ("repository", ILF, 21, 6, High, 15),
        ]
    );
    assert_eq!(api.value_schemas, ["repository-visibility"]);
    assert_eq!(api.unreferenced_schemas, ["license-simple"]);
    let repository = api
        .functions
        .iter()
        .find(|f| f.name == "repository")
        .unwrap();
    let reason = repository.reason.as_deref().unwrap();
    assert!(
        reason.contains("nullable-repository, full-repository, minimal-repository")
            && reason.contains("nullable-license-simple only ever inside it"),
        "{reason}"
    );
    assert_eq!(fp::count(api.functions, &Gsc::default()).ufp, 50.0);
}

/// SCIM 2.0: a property *named* `$ref` (a member's URI) is a field, not a reference, and an
/// example's `"$ref": "https://…"` is data.
///
/// Entities: User and UserListResponse (a list of users) are one; Group, with MemberRef only
/// ever inside it (a sub-group); PatchOp. Meta is inside both User and Group and never sent on
/// its own: its 5 fields are data elements of each, no file.
///   User     DET 9 own + 4 of the list response (totalResults, startIndex, itemsPerPage,
///            Resources) + 5 of Meta = 18; RET 2 variants + name, emails, groups = 5   low 7
///   Group    DET 5 own + MemberRef's 4 (value, $ref, display, type) + Meta's 5 = 14;
///            RET 1 + MemberRef = 2                                                    low 7
///   PatchOp  DET 2 (schemas, Operations); RET 1 + Operations = 2                      low 7
/// Transactions: listUsers EQ 7/1 low 3, createUser EI 9/1 low 3, getUser EQ 9/1 low 3,
/// patchUser EI 10/2 average 4 (PatchOp in, User out), deleteUser EI 1/0 low 3,
/// createGroup EI 5/1 low 3, getGroup EQ 5/1 low 3, patchGroup EI 3/1 low 3.
/// UFP = EI 16 + EQ 9 + ILF 21 = 46.
#[test]
fn a_property_named_ref_is_a_field() {
    use Complexity::*;
    use FunctionKind::*;
    let api = counted("scim.yaml");
    assert_eq!(
        table(&api),
        [
            ("listUsers", EQ, 7, 1, Low, 3),
            ("createUser", EI, 9, 1, Low, 3),
            ("getUser", EQ, 9, 1, Low, 3),
            ("patchUser", EI, 10, 2, Average, 4),
            ("deleteUser", EI, 1, 0, Low, 3),
            ("createGroup", EI, 5, 1, Low, 3),
            ("getGroup", EQ, 5, 1, Low, 3),
            ("patchGroup", EI, 3, 1, Low, 3),
            ("User", ILF, 18, 5, Low, 7),
            ("Group", ILF, 14, 2, Low, 7),
            ("PatchOp", ILF, 2, 2, Low, 7),
        ]
    );
    assert_eq!(api.shared_schemas, ["Meta"]);
    assert_eq!(fp::count(api.functions.clone(), &Gsc::default()).ufp, 46.0);
    // The contract reads it too: the example keeps its `$ref` as data.
    let text = std::fs::read_to_string(fixture("scim.yaml")).unwrap();
    let contract = openapi::api_contract("scim.yaml", &text).unwrap();
    let create = contract
        .rows
        .iter()
        .find(|r| r.operation_id.as_deref() == Some("createGroup"))
        .unwrap();
    let example = create.example.as_ref().unwrap();
    assert_eq!(example.source, "document");
    assert!(
        example.json.contains(
            "\"$ref\": \"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646\""
        ),
        "{}",
        example.json
    );
    assert_eq!(create.tags, ["Groups"]);
    // A `$ref` keyword that is no text is still refused, where it is.
    let broken = text.replace(
        "schema: {$ref: '#/components/schemas/PatchOp'}",
        "schema: {$ref: {name: PatchOp}}",
    );
    let err = openapi::count("scim.yaml", &broken).unwrap_err();
    assert!(
        err.0
            .iter()
            .all(|p| p.reason == "$ref: expected a reference (text), found a mapping"),
        "{err}"
    );
    assert_eq!(err.0.len(), 2);
}
