//! The typed API: create a template, send a mail with it, read the mail's status, and print
//! the request ids. Reads AUTOSEND_API_KEY (and optionally AUTOSEND_BASE_URL, AUTOSEND_CA_FILE
//! for a local sandbox) from the environment.
use autosend::models::{
    Address, EmailsSendParams, EmailsStatusParams, TemplateType, TemplatesCreateParams,
};
use autosend::ClientOptions;
use autosend_http::{blocking::Client, TlsOptions};

fn main() -> Result<(), autosend::Error> {
    let mut options = ClientOptions::new("");
    options.fill_from_env(|name| std::env::var(name).ok());
    let tls = match std::env::var_os("AUTOSEND_CA_FILE") {
        Some(path) => TlsOptions::with_ca_file(path.as_ref())?,
        None => TlsOptions::default(),
    };
    let client = Client::new(options, tls)?;

    let mut template = TemplatesCreateParams::new("Welcome", "Welcome, {{firstName}}");
    template.email_template = Some("<p>Hi {{firstName}}, thanks for signing up.</p>".into());
    template.template_type = Some(TemplateType::Transactional);
    let created = client.templates().create_with_response(&template)?;
    let template_id = created.data.template_id.clone();
    println!(
        "template {template_id} (request {})",
        created.request_id().unwrap_or("-")
    );

    let mut mail = EmailsSendParams::new(
        Address::new("ada@example.com"),
        Address::new("hello@mail.example.com"),
    );
    mail.template_id = Some(template_id);
    let mut data = serde_json::Map::new();
    data.insert("firstName".into(), "Ada".into());
    mail.dynamic_data = Some(data);
    let sent = client.emails().send(&mail)?;

    let status = client
        .emails()
        .status(&EmailsStatusParams::new(&sent.email_id))?;
    println!("mail {} is {}", sent.email_id, status.status);
    Ok(())
}
