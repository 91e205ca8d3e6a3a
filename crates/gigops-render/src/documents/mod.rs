//! The documents gigops writes, one module each: its model as a [`crate::Document`], its view
//! (every number formatted, every label translated) and the names of its layouts.

pub mod acceptance;
pub mod deliverables;
pub mod gate;
pub mod market;
pub mod proposal;
pub mod sow;
