#!/usr/bin/env python3
"""Generate tests/vectors/keys.json and tests/vectors/headers.json."""
from common import (ACCOUNT_KEY, PROJECT_ID, PROJECT_KEY, client, request_err, request_ok,
                    write)

SEED_FMT = "seed: API Key Formats"


def key(name, k, doc, kind=None):
    exp = {"key_kind": kind} if kind else {"error": "invalid_api_key"}
    return {"name": name, "kind": "key", "doc": doc, "input": {"key": k}, "expect": exp}


keys = [
    key("key_project_basic", "AS_abc123", SEED_FMT + " (AS_ = project)", "project"),
    key("key_account_basic", "ASA_abc123", SEED_FMT + " (ASA_ = account)", "account"),
    key("key_project_mixed_case_digits", "AS_AbCdEf0123456789xYz", SEED_FMT + " (alphanumeric secret)", "project"),
    key("key_account_single_char_secret", "ASA_0", SEED_FMT + " (alphanumeric secret, length not documented)", "account"),
    key("key_project_long_secret", "AS_" + "a1B2c3D4" * 8, SEED_FMT, "project"),
    key("key_project_surrounding_spaces_trimmed", "  AS_abc123  ", "contract: keys are trimmed (copy/paste, env files)", "project"),
    key("key_account_tab_newline_trimmed", "\tASA_abc123\n", "contract: keys are trimmed (trailing newline from a file)", "account"),
    key("key_project_crlf_trimmed", "AS_abc123\r\n", "contract: keys are trimmed", "project"),
    key("key_lowercase_as_prefix", "as_abc123", "api §1.2: older pages show lower-case as_ examples; seed prefix is AS_"),
    key("key_lowercase_asa_prefix", "asa_abc123", "api §1.2 / seed: prefix is ASA_"),
    key("key_mixed_case_prefix", "As_abc123", SEED_FMT),
    key("key_project_empty_secret", "AS_", "contract: empty secret"),
    key("key_account_empty_secret", "ASA_", "contract: empty secret"),
    key("key_project_empty_secret_spaces", "  AS_  ", "contract: empty secret after trimming"),
    key("key_dot_in_secret", "AS_abc.def", "api §1.2: JWE guide shows AS_xxx.yyy; seed says alphanumeric"),
    key("key_dash_in_secret", "AS_abc-def", SEED_FMT + " (alphanumeric only)"),
    key("key_underscore_in_secret", "AS_abc_def", SEED_FMT + " (alphanumeric only; docs placeholder AS_your_project_api_key is not a real key)"),
    key("key_double_underscore", "AS__abc", SEED_FMT + " (secret must start right after the prefix)"),
    key("key_inner_space", "AS_abc def", SEED_FMT + " (no whitespace inside the secret)"),
    key("key_bearer_prefix_included", "Bearer AS_abc123", "seed: Authorization: Bearer <key> — the SDK adds Bearer; the key itself must not contain it"),
    key("key_empty_string", "", "contract: key missing"),
    key("key_whitespace_only", " \t\n ", "contract: key missing (whitespace only)"),
    key("key_unicode_letters", "AS_abcé", SEED_FMT + " (alphanumeric = ASCII A-Z a-z 0-9)"),
    key("key_unicode_cjk", "AS_日本語", SEED_FMT + " (alphanumeric = ASCII)"),
    key("key_fullwidth_digits", "AS_１２３", SEED_FMT + " (fullwidth digits are not ASCII alphanumerics)"),
    key("key_no_underscore_prefix", "ASabc123", SEED_FMT + " (prefix includes the underscore)"),
    key("key_prefix_only_as", "AS", SEED_FMT),
    key("key_prefix_only_asa", "ASA", SEED_FMT),
    key("key_unknown_prefix", "XS_abc123", "contract: unknown prefix"),
    key("key_asaa_prefix", "ASAA_abc123", "contract: unknown prefix (neither AS_ nor ASA_)"),
    key("key_resend_style", "re_abc123", "contract: unknown prefix"),
    key("key_quoted", "\"AS_abc123\"", "contract: non-alphanumeric (quotes copied from a .env file are not stripped)"),
]

# ---------------------------------------------------------------- headers (request kind)
SEND = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "customer@example.com"},
        "subject": "Hi", "html": "<p>Hi</p>"}
ACC = client(api_key=ACCOUNT_KEY, project_id=PROJECT_ID)
ACC_NOPID = client(api_key=ACCOUNT_KEY)
H = "seed: Making Authenticated Requests"
h = []
h += [
    request_ok("hdr_project_key_post_send", H + "; contract: content-type exactly when there is a body",
               "emails.send", SEND),
    request_ok("hdr_project_key_get_no_content_type", "api §1.3: content-type only with a body; contract: GET has none",
               "contacts.get", {"id": "c1"}),
    request_ok("hdr_project_key_delete_no_body", "contract: DELETE has no body, no content-type",
               "contacts.delete", {"id": "c1"}),
    request_ok("hdr_project_key_delete_by_user_id", "contract: DELETE has no body",
               "contacts.deleteByUserId", {"userId": "u1"}),
    request_ok("hdr_project_key_get_status", "contract: GET has no body", "emails.status", {"id": "e1"}),
    request_ok("hdr_key_trimmed_in_authorization", "contract: Bearer <trimmed key>",
               "contacts.get", {"id": "c1"}, cl=client(api_key="  AS_test123\n")),
    request_ok("hdr_account_key_project_id_send", "seed: Account API Key requires x-project-id",
               "emails.send", SEND, cl=ACC),
    request_ok("hdr_account_key_project_id_get", "seed: x-project-id on all account-key requests",
               "contacts.get", {"id": "c1"}, cl=ACC),
    request_ok("hdr_account_key_project_id_delete", "seed: x-project-id on all account-key requests",
               "contacts.delete", {"id": "c1"}, cl=ACC),
    request_ok("hdr_account_key_projects_list_sends_project_id", "contract: account scope sends x-project-id (seed: all except creation)",
               "projects.list", {}, cl=ACC),
    request_ok("hdr_account_key_projects_create_never_sends_project_id", "seed: x-project-id not required when creating a project; contract: never sent",
               "projects.create", {"name": "Tenant A"}, cl=ACC),
    request_ok("hdr_account_key_projects_create_without_project_id", "seed: project creation needs no x-project-id",
               "projects.create", {"name": "Tenant A"}, cl=ACC_NOPID),
    request_err("hdr_account_key_missing_project_id_send", "contract: missing_project_id before sending",
                "emails.send", SEND, "missing_project_id", cl=ACC_NOPID),
    request_err("hdr_account_key_missing_project_id_get", "contract: missing_project_id", "contacts.get",
                {"id": "c1"}, "missing_project_id", cl=ACC_NOPID),
    request_err("hdr_account_key_missing_project_id_projects_list", "contract: projects.list scope = account (needs project id); seed: all except creation",
                "projects.list", {}, "missing_project_id", cl=ACC_NOPID),
    request_err("hdr_project_key_with_project_id_refused", "contract: project_id_not_allowed", "emails.send",
                SEND, "project_id_not_allowed", cl=client(project_id=PROJECT_ID)),
    request_err("hdr_project_key_with_project_id_refused_get", "contract: project_id_not_allowed", "contacts.get",
                {"id": "c1"}, "project_id_not_allowed", cl=client(project_id=PROJECT_ID)),
    request_err("hdr_project_key_projects_list_key_scope", "contract: key_scope; api §2.12 account-key only",
                "projects.list", {}, "key_scope"),
    request_err("hdr_project_key_projects_get_key_scope", "contract: key_scope", "projects.get",
                {"projectId": PROJECT_ID}, "key_scope"),
    request_err("hdr_project_key_projects_create_key_scope", "contract: key_scope", "projects.create",
                {"name": "x"}, "key_scope"),
    request_err("hdr_project_key_projects_delete_key_scope", "contract: key_scope", "projects.delete",
                {"projectId": PROJECT_ID}, "key_scope"),
    request_err("hdr_invalid_key_refused_before_send", "contract: invalid_api_key", "contacts.get",
                {"id": "c1"}, "invalid_api_key", cl=client(api_key="as_lower")),
    request_err("hdr_empty_key_refused_before_send", "contract: key missing", "contacts.get",
                {"id": "c1"}, "invalid_api_key", cl=client(api_key="")),
    request_err("hdr_project_id_inner_space_invalid_config", "contract: invalid_config (project id with whitespace)",
                "contacts.get", {"id": "c1"}, "invalid_config", cl=client(api_key=ACCOUNT_KEY, project_id="proj 1")),
    request_err("hdr_project_id_newline_invalid_config", "contract: invalid_config (control characters; header injection)",
                "contacts.get", {"id": "c1"}, "invalid_config",
                cl=client(api_key=ACCOUNT_KEY, project_id="proj1\r\nx-evil: 1")),
    request_err("hdr_unknown_endpoint", "contract: unknown_endpoint", "emails.sendd", SEND, "unknown_endpoint"),
    request_err("hdr_unknown_endpoint_wrong_case", "contract: endpoint ids are exact camelCase", "Emails.send", SEND,
                "unknown_endpoint"),
    request_err("hdr_unknown_endpoint_snake_case", "contract: ids are camelCase; snake_case is a binding concern",
                "contacts.delete_by_user_id", {"userId": "u1"}, "unknown_endpoint"),
]

# base URL
B = "api §1.1 base URL; contract: invalid_base_url"
h += [
    request_ok("url_default_base", "api §1.1 / §6.1: default https://api.autosend.com/v1", "contacts.get", {"id": "c1"}),
    request_ok("url_explicit_default_base", "api §1.1", "contacts.get", {"id": "c1"},
               cl=client(base_url="https://api.autosend.com/v1")),
    request_ok("url_custom_base_no_trailing_slash", B, "emails.send", SEND,
               cl=client(base_url="https://proxy.example.com/autosend/v1")),
    request_ok("url_custom_base_trailing_slash", B + " (trailing slash does not double)", "emails.send", SEND,
               cl=client(base_url="https://proxy.example.com/autosend/v1/"),
               url="https://proxy.example.com/autosend/v1/mails/send"),
    request_ok("url_custom_base_host_only", B, "contacts.get", {"id": "c1"},
               cl=client(base_url="https://proxy.example.com"), url="https://proxy.example.com/contacts/c1"),
    request_ok("url_custom_base_with_port", B, "contacts.get", {"id": "c1"},
               cl=client(base_url="https://proxy.example.com:8443/v1"),
               url="https://proxy.example.com:8443/v1/contacts/c1"),
    request_ok("url_http_localhost_allowed", B + " (loopback)", "contacts.get", {"id": "c1"},
               cl=client(base_url="http://localhost:8080/v1"), url="http://localhost:8080/v1/contacts/c1"),
    request_ok("url_http_127_0_0_1_allowed", B + " (loopback)", "contacts.get", {"id": "c1"},
               cl=client(base_url="http://127.0.0.1:9000"), url="http://127.0.0.1:9000/contacts/c1"),
    request_ok("url_http_127_x_y_z_allowed", B + " (127.0.0.0/8 is loopback)", "contacts.get", {"id": "c1"},
               cl=client(base_url="http://127.10.20.30/v1"), url="http://127.10.20.30/v1/contacts/c1"),
    request_ok("url_http_ipv6_loopback_allowed", B + " (loopback)", "contacts.get", {"id": "c1"},
               cl=client(base_url="http://[::1]:8080/v1"), url="http://[::1]:8080/v1/contacts/c1"),
    request_err("url_http_remote_refused", "seed: HTTPS only; " + B, "contacts.get", {"id": "c1"},
                "invalid_base_url", cl=client(base_url="http://api.autosend.com/v1")),
    request_err("url_http_localhost_suffix_refused", B + " (localhost.evil.com is not loopback)", "contacts.get",
                {"id": "c1"}, "invalid_base_url", cl=client(base_url="http://localhost.evil.com/v1")),
    request_err("url_http_127_prefix_hostname_refused", B + " (a host name starting with 127. is not loopback)",
                "contacts.get", {"id": "c1"}, "invalid_base_url", cl=client(base_url="http://127.0.0.1.nip.io/v1")),
    request_err("url_unparseable_refused", B, "contacts.get", {"id": "c1"}, "invalid_base_url",
                cl=client(base_url="not a url")),
    request_err("url_ftp_refused", B, "contacts.get", {"id": "c1"}, "invalid_base_url",
                cl=client(base_url="ftp://api.autosend.com/v1")),
    request_err("url_empty_string_refused", B + " (an empty string is not a URL)", "contacts.get", {"id": "c1"},
                "invalid_base_url", cl=client(base_url="")),
]

# path parameters
P = "contract: path params percent-encoded"
h += [
    request_ok("path_slash_encoded", P, "contacts.get", {"id": "a/b"}),
    request_ok("path_space_encoded", P, "contacts.get", {"id": "a b"}),
    request_ok("path_question_mark_encoded", P, "contacts.get", {"id": "a?b"}),
    request_ok("path_hash_encoded", P, "contacts.get", {"id": "a#b"}),
    request_ok("path_percent_encoded", P + " (no double-decoding: % itself is encoded)", "contacts.get", {"id": "a%2Fb"}),
    request_ok("path_non_ascii_utf8_encoded", P + " (UTF-8 bytes)", "contacts.get", {"id": "jörg"}),
    request_ok("path_unreserved_kept", P + " (RFC 3986 unreserved characters stay)", "contacts.get", {"id": "A-z_0.9~"}),
    request_ok("path_dots_inside_kept", P + " (only exact . and .. are refused)", "contacts.get", {"id": "..a"}),
    request_ok("path_user_id_slash_encoded", P, "contacts.deleteByUserId", {"userId": "team/42"}),
    request_ok("path_status_id_encoded", P, "emails.status", {"id": "x/../y"}),
    request_err("path_empty_refused", "contract: empty path param -> validation", "contacts.get", {"id": ""},
                "validation", field="id"),
    request_err("path_dot_refused", "contract: . path param -> validation", "contacts.get", {"id": "."},
                "validation", field="id"),
    request_err("path_dotdot_refused", "contract: .. path param -> validation", "contacts.delete", {"id": ".."},
                "validation", field="id"),
    request_err("path_missing_refused", "contract: a required path param is missing", "contacts.get", {},
                "validation", field="id"),
    request_err("path_empty_user_id_refused", "contract: empty path param", "contacts.deleteByUserId",
                {"userId": ""}, "validation", field="userId"),
    request_err("get_leftover_key_refused", "contract: an endpoint without a body refuses leftover keys; no endpoint in scope has query params",
                "contacts.get", {"id": "c1", "limit": 10}, "validation", field="limit"),
    request_err("delete_leftover_key_refused", "contract: leftover keys refused", "contacts.delete",
                {"id": "c1", "force": True}, "validation", field="force"),
    request_err("projects_list_leftover_key_refused", "contract: leftover keys refused", "projects.list",
                {"page": 1}, "validation", field="page", cl=ACC),
]

if __name__ == "__main__":
    write("keys.json", "API key parsing: kind detection, trimming, rejection (never echo the secret).",
          ["seed: API Key Formats", "docs/contract.md: invalid_api_key", "api §1.2"], keys)
    write("headers.json", "Header, base-URL, key-scope and path-encoding rules for every request.",
          ["seed: Making Authenticated Requests", "docs/contract.md: Endpoint ids, Parameters",
           "api §1.1, §1.2, §1.3"], h)
