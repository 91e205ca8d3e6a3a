//! Sentences as a key and the values they name, so that what a domain crate says in English can
//! be said in another language: the English template of each key lives in a table beside the
//! code that says it (the gate's rules, a SOW's acceptance checks), and the renderer's catalogs
//! hold a sentence with the same placeholders for every key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A sentence as a key of some table of English templates and the values it names. Empty (no
/// key) in a document written before messages existed; its English then stands alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub key: String,
    pub args: BTreeMap<String, String>,
}

impl Message {
    /// The sentence `key` of `table` (key → English template), naming `args`.
    pub fn of(table: &[(&str, &str)], key: &str, args: &[(&str, String)]) -> Message {
        debug_assert!(
            table.iter().any(|(k, _)| *k == key),
            "{key} has no English sentence"
        );
        Message {
            key: key.to_string(),
            args: args
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect(),
        }
    }

    /// The sentence in English, its template taken from `table`; empty when `table` has no
    /// sentence for the key.
    pub fn english_in(&self, table: &[(&str, &str)]) -> String {
        let template = table
            .iter()
            .find(|(key, _)| *key == self.key)
            .map_or("", |(_, template)| template);
        self.fill(template)
    }

    /// `template` with each `{name}` replaced by the value of that name.
    pub fn fill(&self, template: &str) -> String {
        let mut text = template.to_string();
        for (name, value) in &self.args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[(&str, &str)] = &[
        (
            "total",
            "total coverage is {percent} %; the policy requires at least {min} %",
        ),
        ("none", "nothing was given"),
    ];

    #[test]
    fn a_message_fills_its_template_and_leaves_unknown_names() {
        let message = Message::of(
            TABLE,
            "total",
            &[("percent", "81.50".into()), ("min", "80".into())],
        );
        assert_eq!(
            message.english_in(TABLE),
            "total coverage is 81.50 %; the policy requires at least 80 %"
        );
        assert_eq!(
            Message::of(TABLE, "none", &[]).english_in(TABLE),
            "nothing was given"
        );
        // A template naming a value the message lacks keeps the placeholder, so it shows.
        assert_eq!(message.fill("{percent} of {what}"), "81.50 of {what}");
        // A key the table does not know (a newer writer's) has no English here.
        let unknown = Message {
            key: "later".into(),
            ..Message::default()
        };
        assert_eq!(unknown.english_in(TABLE), "");
    }
}
