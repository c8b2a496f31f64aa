//! Used by the README's main job: sends one mail from Rust and prints what the API said.
//! Environment: AUTOSEND_API_KEY, AUTOSEND_BASE_URL, AUTOSEND_CA_FILE.
use autosend::ClientOptions;
use autosend_http::{blocking::Client, TlsOptions};
use serde_json::json;

fn main() {
    let mut options = ClientOptions::new("");
    options.user_agent = "rust-example/0.1.0".into();
    options.fill_from_env(|name| std::env::var(name).ok());
    let tls = match std::env::var_os("AUTOSEND_CA_FILE") {
        Some(path) => TlsOptions::with_ca_file(path.as_ref()),
        None => Ok(TlsOptions::default()),
    };
    let result = tls
        .and_then(|tls| Client::new(options, tls))
        .and_then(|client| {
            client.call(
                "emails.send",
                json!({
                    "from": {"email": "hello@mail.example.com", "name": "autosend (Rust)"},
                    "to": {"email": "rust@example.com", "name": "Rust reader"},
                    "subject": "Hello from Rust",
                    "html": "<h1>Hello from Rust</h1><p>Sent through <b>autosend-http</b>.</p>",
                    "text": "Hello from Rust"
                }),
            )
        });
    match result {
        Ok(r) => println!(
            "rust: sent, emailId {}",
            r.data["emailId"].as_str().unwrap_or("?")
        ),
        Err(e) => {
            eprintln!("rust: {e}");
            std::process::exit(1);
        }
    }
}
