//! Fonts of documents: the families a PDF is typeset with (typst's embedded fonts plus the
//! fonts installed on the system, scanned once per process: scanning and loading large CJK
//! collections costs tens of milliseconds, which a server rendering many documents should pay
//! once), and the CSS font stacks of the HTML documents and of the charts drawn for each.

use std::sync::OnceLock;

use typst_kit::fonts::FontStore;

use gigops_core::Lang;

use crate::RenderError;

/// Font families tried, in order, for Simplified Chinese text. The first one installed wins;
/// any other installed family that covers Chinese ideographs is used when none of these is.
pub const CJK_FAMILIES: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
];

/// Font families tried, in order, for Latin text. Libertinus Serif is embedded in the binary,
/// so there is always at least one.
pub const LATIN_FAMILIES: &[&str] = &[
    "Noto Sans",
    "Source Sans 3",
    "DejaVu Sans",
    "Liberation Sans",
    "Libertinus Serif",
];

/// What a user should install when no CJK font is found.
pub const CJK_FONT_PACKAGES: &str = "Debian/Ubuntu: fonts-noto-cjk (or fonts-wqy-microhei); \
     Fedora: google-noto-sans-cjk-fonts; Alpine: font-noto-cjk; macOS and Windows ship one";

pub(crate) fn store() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store.extend(typst_kit::fonts::system());
        store
    })
}

/// The installed families among `preferred`, in that order, spelt as the font book spells
/// them.
pub fn available_families(preferred: &[&str]) -> Vec<String> {
    let book = store().book();
    preferred
        .iter()
        .filter(|family| book.contains_family(&family.to_lowercase()))
        .map(|family| family.to_string())
        .collect()
}

/// Font families for a document in Simplified Chinese: a family covering Chinese ideographs
/// first (its Latin glyphs match its ideographs, which reads better than mixing two designs),
/// then Latin fallbacks. Fails with the packages to install when no installed font covers
/// Chinese, instead of letting the PDF show empty boxes.
pub fn cjk_font_stack() -> Result<Vec<String>, RenderError> {
    let mut stack = available_families(CJK_FAMILIES);
    if stack.is_empty() {
        let book = store().book();
        // U+4E2D 中 and U+6587 文: any font with both is a Chinese font for our purpose.
        let covering = book.families().find_map(|(family, mut ids)| {
            ids.any(|id| {
                book.info(id).is_some_and(|info| {
                    info.coverage.contains(0x4E2D) && info.coverage.contains(0x6587)
                })
            })
            .then(|| family.to_string())
        });
        stack.extend(covering);
    }
    if stack.is_empty() {
        return Err(RenderError::MissingCjkFont {
            packages: CJK_FONT_PACKAGES,
        });
    }
    stack.extend(available_families(LATIN_FAMILIES));
    Ok(stack)
}

/// Font families for a document in a Latin script.
pub fn latin_font_stack() -> Vec<String> {
    available_families(LATIN_FAMILIES)
}

/// The font families of a PDF in `lang`: a Chinese font first for zh-CN (or the error naming
/// the packages to install).
pub fn font_families(lang: Lang) -> Result<Vec<String>, RenderError> {
    Ok(match lang {
        Lang::ZhCn => cjk_font_stack()?,
        Lang::En => latin_font_stack(),
    })
}

/// The CSS font stack of an HTML document. A browser picks, per glyph, the first family that
/// has it, so the Chinese stack lists CJK families before the generic fallback.
pub fn html_font_stack(lang: Lang) -> String {
    let latin = r#""Noto Sans", "Source Sans 3", "Segoe UI", "Helvetica Neue", Arial"#;
    match lang {
        Lang::En => format!("{latin}, sans-serif"),
        Lang::ZhCn => format!(
            r#""Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", {latin}, sans-serif"#
        ),
    }
}

/// Font families as a CSS `font-family` list (for the labels of charts in a PDF, which name
/// the families the text around them is typeset in).
pub fn css_font_list(families: &[String]) -> String {
    let mut list: Vec<String> = families.iter().map(|f| format!("\"{f}\"")).collect();
    list.push("sans-serif".into());
    list.join(", ")
}
