//! Rendering as AutoSend does (§1.9): `subject`, `html` and `text` (or a template's
//! `subject`/`emailTemplate`) are Handlebars templates filled from `dynamicData`, with the
//! merge tags `{{unsubscribe}}` and `{{unsubscribe_preference}}` turned into working sandbox
//! URLs. Uses the `handlebars` crate (non-strict: a missing variable renders empty, as
//! Handlebars.js does). A template error is kept on the message and shown in the inbox.

use handlebars::Handlebars;
use serde_json::{json, Map, Value};

/// What rendering produced for one message.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Rendered subject.
    pub subject: Option<String>,
    /// Rendered HTML.
    pub html: Option<String>,
    /// Rendered text.
    pub text: Option<String>,
    /// The first template error (field and message), if any.
    pub error: Option<String>,
}

fn engine(escape_html: bool) -> Handlebars<'static> {
    let mut h = Handlebars::new();
    if !escape_html {
        h.register_escape_fn(handlebars::no_escape);
    }
    h
}

/// The data a message is rendered with: `dynamicData` plus the merge tags (a `dynamicData`
/// member of the same name wins).
pub fn context(dynamic: &Value, unsubscribe_url: &str, preference_url: &str) -> Value {
    let mut m = Map::new();
    m.insert("unsubscribe".into(), json!(unsubscribe_url));
    m.insert("unsubscribe_preference".into(), json!(preference_url));
    if let Some(o) = dynamic.as_object() {
        for (k, v) in o {
            m.insert(k.clone(), v.clone());
        }
    }
    Value::Object(m)
}

/// Render `subject`, `html` and `text` with `data`. HTML values are HTML-escaped (`{{{x}}}`
/// is raw), subject and text are not. `None` in, `None` out.
pub fn render(
    subject: Option<&str>,
    html: Option<&str>,
    text: Option<&str>,
    data: &Value,
) -> Rendered {
    let mut out = Rendered::default();
    let plain = engine(false);
    let markup = engine(true);
    let mut one = |field: &str, src: Option<&str>, h: &Handlebars<'static>| -> Option<String> {
        let src = src?;
        if !src.contains("{{") {
            // Nothing to render: skip the parser (a multi-megabyte body stays cheap).
            return Some(src.to_string());
        }
        match h.render_template(src, data) {
            Ok(s) => Some(s),
            Err(e) => {
                if out.error.is_none() {
                    out.error = Some(format!("{field}: {e}"));
                }
                Some(src.to_string())
            }
        }
    };
    let subject = one("subject", subject, &plain);
    let html = one("html", html, &markup);
    let text = one("text", text, &plain);
    out.subject = subject;
    out.html = html;
    out.text = text;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_if_else_and_merge_tags() {
        let data = context(
            &json!({"name": "Ada", "vip": true, "tag": "<b>"}),
            "https://u/1",
            "https://p/1",
        );
        let r = render(
            Some("Hi {{name}}"),
            Some("<p>{{#if vip}}Dear {{name}}{{else}}Hello{{/if}} {{tag}} <a href=\"{{unsubscribe}}\">x</a></p>"),
            Some("{{#if missing}}no{{else}}yes{{/if}} {{unsubscribe_preference}}"),
            &data,
        );
        assert_eq!(r.subject.as_deref(), Some("Hi Ada"));
        assert_eq!(
            r.html.as_deref(),
            Some("<p>Dear Ada &lt;b&gt; <a href=\"https://u/1\">x</a></p>")
        );
        assert_eq!(r.text.as_deref(), Some("yes https://p/1"));
        assert!(r.error.is_none());
    }

    #[test]
    fn a_large_body_without_tags_is_not_parsed() {
        let big = "x".repeat(4 << 20);
        let t = std::time::Instant::now();
        let r = render(Some("s"), Some(&big), None, &json!({}));
        assert_eq!(r.html.as_deref().map(str::len), Some(4 << 20));
        assert!(
            t.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn a_template_error_is_reported_not_swallowed() {
        let r = render(Some("ok"), Some("{{#if x}}unclosed"), None, &json!({}));
        assert!(r.error.as_deref().unwrap().starts_with("html: "), "{r:?}");
        assert_eq!(r.html.as_deref(), Some("{{#if x}}unclosed"));
        assert_eq!(r.subject.as_deref(), Some("ok"));
    }
}
