//! Which tests a run selected, from its command line and the project as gigops-env reads it:
//! the gate's `selection` over a real tree on disk.

use std::path::Path;

use gigops_gate::selection::{of_command, runner};

/// The whole suite.
const WHOLE: Option<&[&str]> = Some(&[]);

/// Each command line (words split at spaces) run in `dir`, and the filters it must give;
/// `None`: no test command gigops knows.
fn check(dir: &Path, cases: &[(&str, Option<&[&str]>)]) {
    for (line, expected) in cases {
        let argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let layout = runner(&argv).map(|r| gigops_env::test_layout(dir, r));
        let selection = layout.and_then(|layout| of_command(&argv, dir, &layout));
        if let Some(s) = &selection {
            assert_eq!(s.complete, s.filters.is_empty(), "{line}");
        }
        let expected = expected.map(|f| f.iter().map(|f| f.to_string()).collect());
        assert_eq!(selection.map(|s| s.filters), expected, "{line}");
    }
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn go_test_filters_and_packages() {
    let dir = project(&[
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        ("calc/calc_test.go", ""),
        ("util/util_test.go", ""),
        ("internal/billing/billing_test.go", ""),
        // Not the module's packages: vendored code and a nested module.
        ("vendor/x/x_test.go", ""),
        ("tools/go.mod", "module example.com/tools\n"),
        ("tools/gen_test.go", ""),
    ]);
    check(
        dir.path(),
        &[
            ("go test -json ./...", WHOLE),
            (
                "go test -json -count=1 -coverprofile cover.out ./...",
                WHOLE,
            ),
            ("go test all", WHOLE),
            ("go test -run . ./...", WHOLE),
            ("go test example.com/shop/...", WHOLE),
            ("go test ./calc/... ./util ./internal/...", WHOLE),
            ("gotestsum --format testname", WHOLE),
            (
                "go test -json -run TestParse ./...",
                Some(&["-run TestParse"]),
            ),
            (
                "go test -json ./... -run=TestA -skip TestB -short",
                Some(&["-run=TestA", "-skip TestB", "-short"]),
            ),
            ("go test ./internal/billing", Some(&["./internal/billing"])),
            // No package: the one in the directory.
            ("go test -json", Some(&["."])),
            (
                "go test ./... -args -test.run TestX",
                Some(&["-test.run TestX"]),
            ),
            (
                "gotestsum --packages ./calc/... -- -count=1",
                Some(&["./calc/..."]),
            ),
            (
                "gotestsum --junitfile j.xml -- -run TestX ./...",
                Some(&["-run TestX"]),
            ),
            ("go vet ./...", None),
        ],
    );
    // From a subdirectory, ./... is only that part of the module.
    check(
        &dir.path().join("calc"),
        &[(
            "go test ./...",
            Some(&["./... (from below the module root)"]),
        )],
    );
    // A module of one package: `go test` with no package is all of it.
    let single = project(&[("go.mod", "module example.com/one\n"), ("one_test.go", "")]);
    check(single.path(), &[("go test -json", WHOLE)]);
}

#[test]
fn cargo_test_and_nextest() {
    let single = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n",
        ),
        ("src/lib.rs", ""),
    ]);
    check(
        single.path(),
        &[
            ("cargo test", WHOLE),
            ("cargo +nightly --locked test --all-features", WHOLE),
            ("cargo nextest run --workspace --retries 2", WHOLE),
            ("cargo nextest run --profile ci --no-fail-fast", WHOLE),
            ("cargo test -- --include-ignored", WHOLE),
            ("cargo test -p shop --workspace", WHOLE),
            (
                "cargo test parse -- --skip slow",
                Some(&["parse", "--skip slow"]),
            ),
            (
                "cargo nextest run -E test(parse)",
                Some(&["-E test(parse)"]),
            ),
            ("cargo test -p shop", Some(&["-p shop"])),
            ("cargo test --lib", Some(&["--lib"])),
            (
                "cargo nextest run --run-ignored only",
                Some(&["--run-ignored only"]),
            ),
            ("cargo test -- --ignored", Some(&["--ignored"])),
            ("cargo build", None),
        ],
    );
    // A workspace whose root is a package: `cargo test` tests the root package only.
    let workspace = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n\n[workspace]\nmembers = [\"api\"]\n",
        ),
        ("src/lib.rs", ""),
        ("api/src/lib.rs", ""),
    ]);
    check(
        workspace.path(),
        &[
            (
                "cargo test",
                Some(&["cargo test without --workspace (the root package only)"]),
            ),
            ("cargo test --workspace", WHOLE),
        ],
    );
}

#[test]
fn pytest_options_and_paths() {
    let dir = project(&[
        ("tests/test_shop.py", ""),
        ("tests/unit/test_calc.py", ""),
        ("src/shop/calc_test.py", ""),
        // Not collected by default: a virtual environment, node's packages, a non-test.
        (".venv/lib/test_site.py", ""),
        ("node_modules/x/test_y.py", ""),
        ("docs/conf.py", ""),
    ]);
    check(
        dir.path(),
        &[
            ("pytest", WHOLE),
            ("python3 -m pytest --junitxml=junit.xml -q", WHOLE),
            ("uv run pytest -x --junitxml junit.xml", WHOLE),
            ("pytest tests src", WHOLE),
            ("pytest .", WHOLE),
            ("pytest tests", Some(&["tests"])),
            ("pytest -k parse", Some(&["-k parse"])),
            ("pytest -kparse", Some(&["-kparse"])),
            ("pytest -m not_slow", Some(&["-m not_slow"])),
            ("pytest --lf", Some(&["--lf"])),
            (
                "pytest tests/test_shop.py::test_add",
                Some(&["tests/test_shop.py::test_add"]),
            ),
            ("python -c pass", None),
        ],
    );
}

#[test]
fn jest_and_vitest() {
    check(
        Path::new("."),
        &[
            ("npx jest --ci --coverage", WHOLE),
            ("pnpm exec vitest run", WHOLE),
            ("yarn vitest run --reporter junit", WHOLE),
            ("npx jest -t checkout", Some(&["-t checkout"])),
            ("jest src/cart", Some(&["src/cart"])),
            (
                "vitest run cart --testNamePattern=total",
                Some(&["cart", "--testNamePattern=total"]),
            ),
            (
                "env CI=1 npx vitest related src/a.ts",
                Some(&["related", "src/a.ts"]),
            ),
            ("npm test", None),
            ("make test", None),
        ],
    );
}
