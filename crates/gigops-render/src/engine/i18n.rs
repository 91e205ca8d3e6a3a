//! Translation catalogs of client documents, one TOML file per language embedded in the binary.
//!
//! A catalog is a tree of tables whose leaves are strings. Templates read it as `t`
//! (`{{ t.section.funnel }}`); Rust code looks strings up by dotted key (`"section.funnel"`).
//! Placeholders such as `{n}` are filled in Rust with numbers formatted there, so templates
//! never format or compute anything.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use gigops_core::Lang;
use gigops_core::Message;

use crate::RenderError;

/// The catalog files: the words every document shares (`common`), then each document's own,
/// by part name and language.
const PARTS: &[(&str, &str, &str)] = &[
    (
        "common",
        include_str!("../../i18n/en/common.toml"),
        include_str!("../../i18n/zh-CN/common.toml"),
    ),
    (
        "market",
        include_str!("../../i18n/en/market.toml"),
        include_str!("../../i18n/zh-CN/market.toml"),
    ),
    (
        "gate",
        include_str!("../../i18n/en/gate.toml"),
        include_str!("../../i18n/zh-CN/gate.toml"),
    ),
    (
        "proposal",
        include_str!("../../i18n/en/proposal.toml"),
        include_str!("../../i18n/zh-CN/proposal.toml"),
    ),
    (
        "sow",
        include_str!("../../i18n/en/sow.toml"),
        include_str!("../../i18n/zh-CN/sow.toml"),
    ),
    (
        "acceptance",
        include_str!("../../i18n/en/acceptance.toml"),
        include_str!("../../i18n/zh-CN/acceptance.toml"),
    ),
    (
        "deliverables",
        include_str!("../../i18n/en/deliverables.toml"),
        include_str!("../../i18n/zh-CN/deliverables.toml"),
    ),
];

/// The strings of one language: the common part and a document's parts, merged into one tree
/// (a top-level table belongs to one part only).
#[derive(Debug, Clone)]
pub struct Catalog {
    lang: Lang,
    table: toml::Table,
}

/// Every part of `lang`, parsed once per process. An embedded part that fails to parse is a
/// build defect, reported as an error rather than a panic.
fn parts(lang: Lang) -> Result<&'static [(&'static str, toml::Table)], RenderError> {
    static EN_PARTS: OnceLock<Result<Vec<(&str, toml::Table)>, String>> = OnceLock::new();
    static ZH_CN_PARTS: OnceLock<Result<Vec<(&str, toml::Table)>, String>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN_PARTS,
        Lang::ZhCn => &ZH_CN_PARTS,
    };
    cell.get_or_init(|| {
        PARTS
            .iter()
            .map(|(name, en, zh_cn)| {
                let source = if lang == Lang::En { en } else { zh_cn };
                toml::from_str(source)
                    .map(|table| (*name, table))
                    .map_err(|e| format!("{name}: {e}"))
            })
            .collect()
    })
    .as_deref()
    .map_err(|message| RenderError::Catalog {
        lang: lang.as_str(),
        message: message.clone(),
    })
}

impl Catalog {
    /// Every word gigops has in `lang`, all parts merged (for what is not one document, such
    /// as a notification's subject line, and for checking the catalogs).
    pub fn get(lang: Lang) -> Result<&'static Catalog, RenderError> {
        static EN_CATALOG: OnceLock<Result<Catalog, RenderError>> = OnceLock::new();
        static ZH_CN_CATALOG: OnceLock<Result<Catalog, RenderError>> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN_CATALOG,
            Lang::ZhCn => &ZH_CN_CATALOG,
        };
        let all: Vec<&str> = PARTS.iter().map(|(name, _, _)| *name).collect();
        cell.get_or_init(|| Catalog::of(lang, &all))
            .as_ref()
            .map_err(|e| RenderError::Catalog {
                lang: lang.as_str(),
                message: e.to_string(),
            })
    }

    /// The common words and those of the parts `names` (a document's), in `lang`.
    pub fn of(lang: Lang, names: &[&str]) -> Result<Catalog, RenderError> {
        let defect = |message: String| RenderError::Catalog {
            lang: lang.as_str(),
            message,
        };
        let mut table = toml::Table::new();
        for (name, part) in parts(lang)? {
            if *name != "common" && !names.contains(name) {
                continue;
            }
            for (key, value) in part {
                if table.insert(key.clone(), value.clone()).is_some() {
                    return Err(defect(format!("[{key}] is in more than one part")));
                }
            }
        }
        if let Some(unknown) = names.iter().find(|n| !PARTS.iter().any(|p| p.0 == **n)) {
            return Err(defect(format!("no part named {unknown}")));
        }
        Ok(Catalog { lang, table })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The whole catalog, for templates.
    pub fn table(&self) -> &toml::Table {
        &self.table
    }

    /// The string at a dotted key. A missing key is a defect of the catalog (the tests check
    /// that both catalogs have the same keys), so it is an error, never a silent blank.
    pub fn text(&self, key: &str) -> Result<&str, RenderError> {
        self.lookup(key).ok_or_else(|| RenderError::Catalog {
            lang: self.lang.as_str(),
            message: format!("missing key {key}"),
        })
    }

    /// The string at a dotted key, if the catalog has it: for names that users may configure
    /// beyond the built-in ones (stages, platforms), which fall back to the name itself.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        let mut parts = key.split('.');
        let mut value = self.table.get(parts.next()?)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        value.as_str()
    }

    /// The string at `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> Result<String, RenderError> {
        let mut text = self.text(key)?.to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Ok(text)
    }

    /// A sentence a domain crate wrote as a [`Message`] beside its English, in the catalog's
    /// language: `<section>.<key>` filled with the message's values. The English as written for
    /// English, for a message without a key (a record written before messages existed), and for
    /// a key the catalog does not know (a newer gigops's record).
    pub fn message(&self, section: &str, message: &Message, english: &str) -> String {
        if self.lang == Lang::En || message.key.is_empty() {
            return english.to_string();
        }
        self.lookup(&format!("{section}.{}", message.key))
            .map_or_else(|| english.to_string(), |template| message.fill(template))
    }

    /// Every dotted key of the catalog.
    pub fn keys(&self) -> BTreeSet<String> {
        fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeSet<String>) {
            for (key, value) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match value {
                    toml::Value::Table(inner) => walk(&path, inner, out),
                    _ => {
                        out.insert(path);
                    }
                }
            }
        }
        let mut out = BTreeSet::new();
        walk("", &self.table, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table is in the same part in both languages, so a document finds its words in either.
    #[test]
    fn each_part_holds_the_same_tables_in_both_languages() {
        let en = parts(Lang::En).unwrap();
        let zh = parts(Lang::ZhCn).unwrap();
        for ((name, en), (_, zh)) in en.iter().zip(zh) {
            let tables = |t: &toml::Table| t.keys().cloned().collect::<BTreeSet<_>>();
            let mut zh_tables = tables(zh);
            // The Chinese of messages written in English beside their key in other crates.
            zh_tables.retain(|t| t != "rule_detail" && t != "acceptance_measured");
            let mut en_tables = tables(en);
            en_tables.retain(|t| t != "rule_detail" && t != "acceptance_measured");
            assert_eq!(en_tables, zh_tables, "{name}");
        }
        let one = Catalog::of(Lang::En, &["sow"]).unwrap();
        assert!(one.lookup("sow.kind").is_some() && one.lookup("doc.brand").is_some());
        assert!(
            one.lookup("gate.title").is_none(),
            "only its own words and the common ones"
        );
        assert!(Catalog::of(Lang::En, &["no-such-part"]).is_err());
    }

    #[test]
    fn catalogs_parse_and_have_the_same_keys() {
        let en = Catalog::get(Lang::En).unwrap();
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        // The gate's rule sentences have their English in the gate crate (checked below).
        let zh_keys: BTreeSet<String> = zh
            .keys()
            .into_iter()
            .filter(|k| !k.starts_with("rule_detail.") && !k.starts_with("acceptance_measured."))
            .collect();
        let en_keys = en.keys();
        let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
        let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
    }

    /// Every key of `english` has a Chinese sentence under `section`, with the same
    /// placeholders, and the section has no other key.
    fn translated_with_placeholders(section: &str, english: &[(&str, &str)]) {
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        let prefix = format!("{section}.");
        let translated: BTreeSet<String> = zh
            .keys()
            .into_iter()
            .filter_map(|k| k.strip_prefix(&prefix).map(str::to_string))
            .collect();
        let keys: BTreeSet<String> = english.iter().map(|(key, _)| key.to_string()).collect();
        assert_eq!(translated, keys, "{section}");
        for (key, sentence) in english {
            let chinese = zh.text(&format!("{prefix}{key}")).unwrap();
            assert_eq!(placeholders(sentence), placeholders(chinese), "{key}");
            assert!(
                chinese
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key}"
            );
        }
    }

    #[test]
    fn every_rule_sentence_of_the_gate_is_translated_with_its_placeholders() {
        translated_with_placeholders("rule_detail", gigops_gate::detail::ENGLISH);
    }

    #[test]
    fn every_measurement_of_an_acceptance_check_is_translated_with_its_placeholders() {
        translated_with_placeholders("acceptance_measured", gigops_contract::MEASURED_ENGLISH);
    }

    #[test]
    fn messages_fall_back_to_their_english() {
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        let en = Catalog::get(Lang::En).unwrap();
        let exit = Message::of(
            gigops_contract::MEASURED_ENGLISH,
            "exit",
            &[("code", "2".into())],
        );
        assert_eq!(
            zh.message("acceptance_measured", &exit, "exit 2"),
            "退出码 2"
        );
        assert_eq!(en.message("acceptance_measured", &exit, "exit 2"), "exit 2");
        let unknown = Message {
            key: "from_a_newer_gigops".into(),
            ..Message::default()
        };
        assert_eq!(
            zh.message("acceptance_measured", &unknown, "as written"),
            "as written"
        );
        assert_eq!(
            zh.message("acceptance_measured", &Message::default(), "old"),
            "old"
        );
    }

    #[test]
    fn every_entry_is_a_non_empty_string_with_matching_placeholders() {
        let en = Catalog::get(Lang::En).unwrap();
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        for key in en.keys() {
            let (a, b) = (en.text(&key).unwrap(), zh.text(&key).unwrap());
            assert!(
                !a.trim().is_empty() && !b.trim().is_empty(),
                "{key} is empty"
            );
            assert_eq!(
                placeholders(a),
                placeholders(b),
                "placeholders of {key} differ"
            );
        }
    }

    #[test]
    fn chinese_catalog_is_translated() {
        let en = Catalog::get(Lang::En).unwrap();
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        // Proper names (GitHub, AUC, P90, platform names) may stay as they are; prose may not.
        let untranslated: Vec<String> = en
            .keys()
            .into_iter()
            .filter(|k| !k.starts_with("platform_name."))
            .filter(|k| {
                let (a, b) = (en.text(k).unwrap(), zh.text(k).unwrap());
                let mut prose = a.to_string();
                for p in placeholders(a) {
                    prose = prose.replace(&p, "");
                }
                a == b && prose.chars().filter(|c| c.is_alphabetic()).count() > 6
            })
            .collect();
        assert!(untranslated.is_empty(), "{untranslated:?}");
    }

    #[test]
    fn fill_replaces_placeholders() {
        let en = Catalog::get(Lang::En).unwrap();
        let text = en
            .fill("drivers.insufficient", &[("n", "7"), ("required", "20")])
            .unwrap();
        assert!(text.contains("7 of 20"), "{text}");
        assert!(en.text("no.such.key").is_err());
        assert_eq!(en.lookup("stage.lead"), Some("Lead"));
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            out.insert(rest[start..start + len + 1].to_string());
            rest = &rest[start + len + 1..];
        }
        out
    }
}
