//! View parts that several documents show: a labelled value, a headline figure.

use serde::Serialize;

/// A label and its value, e.g. in the scope line of a document's header.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// A headline figure with its note.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub note: String,
}
