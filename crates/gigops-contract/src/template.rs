//! Commented SOW templates to start a contract from (`gigops sow new`).

use gigops_core::Lang;

const EN: &str = include_str!("../templates/sow.en.yaml");
const ZH_CN: &str = include_str!("../templates/sow.zh-CN.yaml");

/// A commented SOW that [`crate::read`] accepts as it is: in English, or with comments and sample
/// text in Simplified Chinese (the keys stay English).
pub fn template(lang: Lang) -> &'static str {
    match lang {
        Lang::En => EN,
        Lang::ZhCn => ZH_CN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_templates_read_with_no_problems() {
        for lang in [Lang::En, Lang::ZhCn] {
            let sow = crate::read("sow.yaml", template(lang))
                .unwrap_or_else(|e| panic!("{lang:?}:\n{e}"));
            assert_eq!(sow.language, lang);
            assert!(!sow.milestones.is_empty());
        }
    }
}
