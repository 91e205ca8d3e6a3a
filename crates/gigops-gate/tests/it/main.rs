//! The gate against real inputs: technical debt over a fixture tree and real git histories, and
//! the benchmark comparison against reference p-values and saved Go and criterion runs; the
//! verdict when tests were expected and none were reported.

mod benchcmp;
mod debt;
mod verdict;
