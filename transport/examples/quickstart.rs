//! The README's Rust quickstart. Reads AUTOSEND_API_KEY (and optionally AUTOSEND_BASE_URL,
//! AUTOSEND_CA_FILE for a local sandbox) from the environment.
use autosend::types::{Address, SendEmail};
use autosend::ClientOptions;
use autosend_http::{blocking::Client, TlsOptions};

fn main() -> Result<(), autosend::Error> {
    let mut options = ClientOptions::new(""); // empty: take the key from the environment
    options.fill_from_env(|name| std::env::var(name).ok());
    let tls = match std::env::var_os("AUTOSEND_CA_FILE") {
        Some(path) => TlsOptions::with_ca_file(path.as_ref())?,
        None => TlsOptions::default(),
    };
    let client = Client::new(options, tls)?;

    let mut mail = SendEmail::new(
        Address::named("hello@mail.example.com", "Example"),
        Address::new("ada@example.com"),
        "Welcome, Ada",
    );
    mail.html = Some("<p>Thanks for signing up.</p>".into());
    let sent = client.send_email(&mail)?;
    println!(
        "queued {} for {} recipient(s)",
        sent.email_id, sent.total_recipients
    );
    Ok(())
}
