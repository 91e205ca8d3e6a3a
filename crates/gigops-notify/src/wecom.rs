//! WeCom (企业微信) group robots: the summary as a `markdown` message.
//!
//! The robot's documentation (群机器人配置说明,
//! <https://developer.work.weixin.qq.com/document/path/91770>) limits `markdown.content` to
//! 4096 bytes of UTF-8; longer content is refused with errcode 40058 ("markdown.content exceed
//! max length 4096"). The robot answers HTTP 200 whether or not it took the message: the JSON
//! body's `errcode` is 0 on success, and otherwise `errmsg` says why.
//!
//! WeCom's `markdown` understands headings, bold, links, code spans, quotes and
//! `<font color="info|comment|warning">`; it shows tables and lists as their text, so the
//! summary's Markdown is sent as it is.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::webhook;
use crate::{Message, NotifyError, TRUNCATION_MARKER, Webhook};

/// The most `markdown.content` may hold, in bytes of UTF-8.
pub const WECOM_MARKDOWN_LIMIT: usize = 4096;

/// The JSON posted to a WeCom robot: the title on its first line, green (`info`) when the gate
/// passed and orange-red (`warning`) when it failed, then the Markdown; all of it cut to
/// [`WECOM_MARKDOWN_LIMIT`] bytes.
pub fn wecom_payload(message: &Message) -> Value {
    json!({
        "msgtype": "markdown",
        "markdown": { "content": truncate_bytes(&full_content(message), WECOM_MARKDOWN_LIMIT) },
    })
}

/// The content before it is cut to the limit.
fn full_content(message: &Message) -> String {
    let color = if message.passed { "info" } else { "warning" };
    let title = message.title.trim();
    if title.is_empty() {
        message.markdown.clone()
    } else {
        format!(
            "<font color=\"{color}\">{title}</font>\n\n{}",
            message.markdown
        )
    }
}

/// `text` in at most `limit` bytes: when it is longer, as much of it as fits before a line
/// with [`TRUNCATION_MARKER`], cut between characters (never inside one).
pub fn truncate_bytes(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let marker = format!("\n{TRUNCATION_MARKER}");
    let mut cut = limit.saturating_sub(marker.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{marker}", &text[..cut])
}

#[derive(Deserialize)]
struct Answer {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// Posts the message; `Ok` says what the robot answered.
pub(crate) async fn post(hook: &Webhook<'_>, message: &Message) -> Result<String, NotifyError> {
    let url = &hook.url;
    let payload = wecom_payload(message);
    let answer = webhook::post_json(hook, &payload).await?;
    let quoted = webhook::quote_answer(url, &answer.body);
    if answer.status != 200 {
        return Err(NotifyError::Rejected {
            target: url.to_string(),
            status: answer.status,
            answer: quoted,
        });
    }
    let parsed: Answer =
        serde_json::from_str(&answer.body).map_err(|_| NotifyError::UnexpectedAnswer {
            target: url.to_string(),
            answer: quoted,
        })?;
    if parsed.errcode != 0 {
        return Err(NotifyError::WecomRefused {
            errcode: parsed.errcode,
            errmsg: webhook::quote_answer(url, &parsed.errmsg),
        });
    }
    let truncated = if full_content(message).len() > WECOM_MARKDOWN_LIMIT {
        format!(", content cut to {WECOM_MARKDOWN_LIMIT} bytes")
    } else {
        String::new()
    };
    Ok(format!("posted to {url} (errcode 0{truncated})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_that_fits_and_cuts_the_rest_between_characters() {
        const QUESTION: &str = "交付门禁通过了吗？";
        assert_eq!(truncate_bytes(QUESTION, 27), QUESTION);
        // The newline and marker take 15 bytes, leaving 5 of 20: room for one 3-byte character.
        assert_eq!(truncate_bytes(QUESTION, 20), "交\n…(truncated)");
        assert_eq!(truncate_bytes(QUESTION, 21), "交付\n…(truncated)");
        assert_eq!(truncate_bytes(QUESTION, 23), "交付\n…(truncated)");
        assert_eq!(truncate_bytes(QUESTION, 24), "交付门\n…(truncated)");
    }
}
