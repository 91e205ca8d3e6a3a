//! Parsers of the formats gigops reads, and writers of the formats it hands back.
//!
//! [`ledger`] is gigops's own interchange format for the business ledger (CSV with a header row,
//! or the same fields as JSON arrays). Parsers report every problem they find, each with where it
//! is, rather than stopping at the first.

pub mod checkstyle;
pub mod cobertura;
pub mod criterion;
pub mod evidence;
pub mod gobench;
pub mod gocover;
pub mod gotest;
pub mod junit;
pub mod lcov;
pub mod ledger;
mod location;
pub mod sarif;
pub mod tap;
mod xml_position;

pub use location::{Problem, Problems};
