//! Domain types shared by every gigops crate.
//!
//! Values here are validated once, when they are built (`parse`/`new`), so that holding one is
//! proof it is well-formed. Nothing in this crate does I/O.

pub mod evidence;
pub mod gate_output;
pub mod json;
pub mod ledger;
pub mod message;
pub mod money;
pub mod problem;
pub mod project;
pub mod signature;
pub mod stage;
pub mod time;

pub use ledger::{
    Client, Deal, DealId, DealKind, Lang, Ledger, Outcome, Platform, Reopening, Score, StageEvent,
    TimeCategory, TimeEntry, platform_key,
};
pub use message::Message;
pub use money::{Currency, Money, MoneyError};
pub use problem::{Problem, Problems};
pub use signature::Signature;
pub use stage::{StageName, Stages};
pub use time::{InstantError, format_instant, parse_instant};

/// A value that failed validation: what was expected, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Invalid(message.into())
    }
}
