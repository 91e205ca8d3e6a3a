//! Test helpers: temporary stores on both backends, fixtures.
