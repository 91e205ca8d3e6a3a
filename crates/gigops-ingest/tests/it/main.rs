//! The evidence readers against real files: fixtures of every format, mutations of them, and the
//! tools themselves where they are installed.

mod checkstyle;
mod cobertura;
mod criterion;
mod evidence;
mod gobench;
mod gocover;
mod gotest;
mod junit;
mod lcov;
mod live;
mod sarif;
mod support;
mod tap;
