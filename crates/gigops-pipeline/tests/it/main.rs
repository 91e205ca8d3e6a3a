//! Integration tests of gigops-pipeline: every expected number is worked out by hand in the
//! comments or computed by an independent reference written here, never copied from output.

mod drivers;
mod props;
mod report;
mod support;
mod synth;
