//! Readers of other tools' evidence: test results, coverage, findings and benchmarks, into
//! gigops-core's evidence types, with format detection. Readers report every problem they find,
//! each with where it is, rather than stopping at the first.

pub mod checkstyle;
pub mod cobertura;
mod coverage;
pub mod criterion;
pub mod evidence;
mod flat_json;
pub mod gobench;
pub mod gocover;
pub mod godecl;
pub mod gotest;
pub mod junit;
pub mod lcov;
mod lines;
pub mod sarif;
pub mod tap;
mod xml_position;
mod xml_stream;

/// A hash map for the parsers' per-event lookups: foldhash rather than SipHash, which costs more
/// than the rest of handling an event. Keys come from the files being read, and a file crafted to
/// collide only slows its own reading.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
