/*
 * Tests of the generated endpoint catalog through the C API: every AUTOSEND_EP_* id is known to
 * the library, new endpoints are called by their macro against the sandbox (blocking client),
 * binary answers come back as a borrowed buffer with content type and file name, and
 * project_key endpoints refuse an account key before anything is sent.
 *
 * Usage: test_endpoints   (AUTOSEND_SANDBOX_INFO names the sandbox's start line; without it
 * only the offline checks run). Closes with "N passed, N failed"; exits 1 on any failure.
 */
#include <autosend.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_passed, g_failed, t_failures;
static char t_name[256];

static void begin(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t_name, sizeof t_name, fmt, ap);
    va_end(ap);
    t_failures = 0;
}

static void end(void) {
    if (t_failures == 0) {
        g_passed++;
    } else {
        g_failed++;
        fprintf(stderr, "FAILED %s\n", t_name);
    }
}

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            t_failures++;                                                     \
            fprintf(stderr, "  %s: %s:%d: ", t_name, __FILE__, __LINE__);     \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

#define S(lit) (const uint8_t *)(lit), strlen(lit)

static int str_is(autosend_str s, const char *c) {
    return s.data != NULL && s.len == strlen(c) && memcmp(s.data, c, s.len) == 0;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = 0;
    fclose(f);
    return buf;
}

static const char *jstr(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- a small curl helper for the sandbox's admin API (fresh keys, stats) ---- */

typedef struct {
    char *data;
    size_t len;
} buf_t;

static size_t on_write(char *p, size_t sz, size_t n, void *ud) {
    buf_t *b = ud;
    char *nd = realloc(b->data, b->len + sz * n + 1);
    if (!nd) return 0;
    b->data = nd;
    memcpy(b->data + b->len, p, sz * n);
    b->len += sz * n;
    b->data[b->len] = 0;
    return sz * n;
}

static cJSON *admin(const char *ca, const char *admin_url, const char *method, const char *path,
                    const char *body) {
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    char url[1024];
    snprintf(url, sizeof url, "%s%s", admin_url, path);
    buf_t b = {0};
    struct curl_slist *hd = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    cJSON *j = (rc == CURLE_OK && b.data) ? cJSON_Parse(b.data) : NULL;
    free(b.data);
    return j;
}

/* A blocking client for `key` (and `project_id` for account keys) on the sandbox. */
static autosend_client *make_client(const char *key, const char *project_id) {
    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    if (autosend_client_options_new(&o) != AUTOSEND_RESULT_OK) return NULL;
    autosend_client_options_set_api_key(o, S(key));
    if (project_id) autosend_client_options_set_project_id(o, S(project_id));
    autosend_client_options_fill_from_env(o); /* base URL and CA file */
    autosend_error *err = NULL;
    if (autosend_client_new(o, &c, &err) != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "client: %s\n", autosend_error_message(err).data);
        autosend_error_free(err);
        c = NULL;
    }
    autosend_client_options_free(o);
    return c;
}

/* Calls `endpoint` with `params`; returns the result code and the response (caller frees). */
static autosend_result call(autosend_client *c, const char *endpoint, const char *params,
                            autosend_response **resp) {
    autosend_error *err = NULL;
    *resp = NULL;
    autosend_result r = autosend_client_call(c, S(endpoint), S(params), resp, &err);
    if (r != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "  (%s: %s)\n", endpoint, autosend_error_message(err).data);
        autosend_error_free(err);
    }
    return r;
}

static cJSON *response_json(const autosend_response *r) {
    return cJSON_Parse(autosend_response_json(r).data);
}

/* ---- offline: the catalog ---- */

static void test_catalog(void) {
    begin("catalog: every AUTOSEND_EP_* id is known to the library");
    CHECK(autosend_endpoint_count() == AUTOSEND_EP_COUNT, "count %zu, header %d",
          autosend_endpoint_count(), AUTOSEND_EP_COUNT);
    autosend_str js = autosend_catalog_json();
    cJSON *cat = cJSON_Parse(js.data);
    CHECK(cJSON_IsArray(cat), "catalog JSON");
    CHECK(cJSON_GetArraySize(cat) == AUTOSEND_EP_COUNT, "catalog size %d",
          cJSON_GetArraySize(cat));
    /* A sample of the macros resolves to catalog entries (all of them compile). */
    const char *ids[] = {AUTOSEND_EP_EMAILS_SEND,        AUTOSEND_EP_CONTACT_PROPERTIES_LIST,
                         AUTOSEND_EP_TEMPLATES_UPDATE_PREVIEW_TEXT,
                         AUTOSEND_EP_CONTACT_LISTS_REMOVE_CONTACTS,
                         AUTOSEND_EP_WEBHOOKS_AVAILABLE_EVENTS, AUTOSEND_EP_INBOUND_ATTACHMENT,
                         AUTOSEND_EP_JWKS_GET};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int found = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, cat) {
            const char *id = jstr(e, "id");
            if (id && strcmp(id, ids[i]) == 0) found = 1;
        }
        CHECK(found, "%s not in the catalog", ids[i]);
    }
    /* Every id opens a call (sans-IO) with a project key: never unknown_endpoint. */
    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    autosend_client_options_new(&o);
    autosend_client_options_set_api_key(o, S("AS_catalogcheck123"));
    CHECK(autosend_client_new(o, &c, NULL) == AUTOSEND_RESULT_OK, "client");
    autosend_client_options_free(o);
    const cJSON *e;
    cJSON_ArrayForEach(e, cat) {
        const char *id = jstr(e, "id");
        if (!id) continue;
        autosend_call *call = NULL;
        autosend_result r = autosend_call_new(c, S(id), S("{}"), 1, &call, NULL);
        CHECK(r != AUTOSEND_RESULT_UNKNOWN_ENDPOINT, "%s is unknown", id);
        const char *scope = jstr(e, "scope");
        if (scope && strcmp(scope, "account") == 0)
            CHECK(r == AUTOSEND_RESULT_KEY_SCOPE, "%s with a project key: %u", id, r);
        autosend_call_free(call);
    }
    autosend_client_free(c);
    cJSON_Delete(cat);
    end();

    begin("catalog: an unknown id is refused with unknown_endpoint");
    autosend_client_options_new(&o);
    autosend_client_options_set_api_key(o, S("AS_catalogcheck123"));
    autosend_client_new(o, &c, NULL);
    autosend_client_options_free(o);
    autosend_call *call = NULL;
    CHECK(autosend_call_new(c, S("templates.explode"), S("{}"), 1, &call, NULL) ==
              AUTOSEND_RESULT_UNKNOWN_ENDPOINT,
          "unknown id");
    CHECK(call == NULL, "no call on failure");
    autosend_client_free(c);
    end();
}

/* ---- against the sandbox ---- */

static void test_new_endpoint(autosend_client *c) {
    begin("e2e: templates by their AUTOSEND_EP_* ids (create, get, delete)");
    autosend_response *r = NULL;
    CHECK(call(c, AUTOSEND_EP_TEMPLATES_CREATE,
               "{\"templateName\":\"From C\",\"subject\":\"Hi {{firstName}}\","
               "\"emailTemplate\":\"<p>Hi</p>\",\"templateType\":\"transactional\"}",
               &r) == AUTOSEND_RESULT_OK,
          "create");
    char id[128] = "";
    if (r) {
        cJSON *j = response_json(r);
        const char *tid = jstr(j, "templateId");
        CHECK(tid && strncmp(tid, "A-", 2) == 0, "templateId %s", autosend_response_json(r).data);
        if (tid) snprintf(id, sizeof id, "%s", tid);
        CHECK(autosend_response_status(r) == 200, "status");
        CHECK(autosend_response_request_id(r).len > 0, "request id");
        CHECK(!autosend_response_is_binary(r), "JSON answer");
        cJSON_Delete(j);
        autosend_response_free(r);
    }
    char params[256];
    snprintf(params, sizeof params, "{\"templateId\":\"%s\"}", id);
    CHECK(call(c, AUTOSEND_EP_TEMPLATES_GET, params, &r) == AUTOSEND_RESULT_OK, "get");
    if (r) {
        cJSON *j = response_json(r);
        const char *name = jstr(j, "templateName");
        CHECK(name && strcmp(name, "From C") == 0, "name %s", autosend_response_json(r).data);
        cJSON_Delete(j);
        autosend_response_free(r);
    }
    CHECK(call(c, AUTOSEND_EP_TEMPLATES_DELETE, params, &r) == AUTOSEND_RESULT_OK, "delete");
    if (r) {
        /* A `message` endpoint: the message is the result. */
        CHECK(autosend_response_message(r).len > 0, "delete message");
        autosend_response_free(r);
    }
    autosend_error *err = NULL;
    r = NULL;
    CHECK(autosend_client_call(c, S(AUTOSEND_EP_TEMPLATES_GET), S(params), &r, &err) ==
              AUTOSEND_RESULT_NOT_FOUND,
          "gone after delete");
    CHECK(r == NULL, "no response on failure");
    CHECK(autosend_error_status(err) == 404, "404");
    autosend_error_free(err);
    end();
}

static void test_binary(autosend_client *c) {
    begin("e2e: inbound attachment as JSON, then as bytes");
    autosend_response *r = NULL;
    char mid[128] = "";
    CHECK(call(c, AUTOSEND_EP_INBOUND_LIST, "{\"limit\":10}", &r) == AUTOSEND_RESULT_OK, "list");
    if (r) {
        cJSON *j = response_json(r);
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(j, "items")) {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(m, "attachmentCount");
            if (cJSON_IsNumber(n) && n->valuedouble > 0 && jstr(m, "id")) {
                snprintf(mid, sizeof mid, "%s", jstr(m, "id"));
                break;
            }
        }
        cJSON_Delete(j);
        autosend_response_free(r);
    }
    CHECK(mid[0] != 0, "a seeded message with attachments");

    char params[256];
    snprintf(params, sizeof params, "{\"id\":\"%s\",\"idx\":\"0\"}", mid);
    CHECK(call(c, AUTOSEND_EP_INBOUND_ATTACHMENT, params, &r) == AUTOSEND_RESULT_OK, "link");
    if (r) {
        CHECK(!autosend_response_is_binary(r), "JSON without download");
        const uint8_t *data = NULL;
        size_t len = 7;
        CHECK(autosend_response_bytes(r, &data, &len) == AUTOSEND_RESULT_INVALID_STATE,
              "bytes of a JSON answer");
        CHECK(data == NULL && len == 7, "outputs untouched on failure");
        cJSON *j = response_json(r);
        const char *url = jstr(j, "downloadUrl");
        CHECK(url && strncmp(url, "https://", 8) == 0, "downloadUrl %s",
              autosend_response_json(r).data);
        cJSON_Delete(j);
        autosend_response_free(r);
    }

    snprintf(params, sizeof params, "{\"id\":\"%s\",\"idx\":\"0\",\"download\":true}", mid);
    CHECK(call(c, AUTOSEND_EP_INBOUND_ATTACHMENT, params, &r) == AUTOSEND_RESULT_OK, "bytes");
    if (r) {
        CHECK(autosend_response_is_binary(r), "binary");
        const uint8_t *data = NULL;
        size_t len = 0;
        CHECK(autosend_response_bytes(r, &data, &len) == AUTOSEND_RESULT_OK, "bytes()");
        CHECK(data != NULL && len == 256, "256 bytes, got %zu", len);
        int same = data != NULL && len == 256;
        for (size_t i = 0; same && i < len; i++) same = data[i] == (uint8_t)i;
        CHECK(same, "every byte value 0..255 in order");
        CHECK(str_is(autosend_response_content_type(r), "application/octet-stream"),
              "content type %s", autosend_response_content_type(r).data);
        CHECK(str_is(autosend_response_filename(r), "bytes.bin"), "filename %s",
              autosend_response_filename(r).data);
        CHECK(str_is(autosend_response_json(r), "null"), "json of a file: %s",
              autosend_response_json(r).data);
        CHECK(autosend_response_request_id(r).len > 0, "request id");
        autosend_response_free(r);
    }
    /* NULL handling of the new accessors. */
    const uint8_t *d = NULL;
    size_t l = 0;
    CHECK(autosend_response_bytes(NULL, &d, &l) == AUTOSEND_RESULT_NULL_PARAMETER, "NULL");
    CHECK(!autosend_response_is_binary(NULL), "NULL is not binary");
    CHECK(autosend_response_content_type(NULL).len == 0, "NULL content type");
    CHECK(autosend_response_filename(NULL).data != NULL, "never a NULL data pointer");
    CHECK(autosend_response_message(NULL).len == 0, "NULL message");
    end();
}

static void test_project_key_refusal(const char *account_key, const char *project_id,
                                     const char *ca, const char *admin_url) {
    begin("e2e: project_key endpoints refuse an ASA_ key before sending");
    autosend_client *c = make_client(account_key, project_id);
    CHECK(c != NULL, "account client");
    if (!c) {
        end();
        return;
    }
    cJSON *before = admin(ca, admin_url, "GET", "/_sandbox/stats", NULL);
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(before, "requests_received");
    double received = cJSON_IsNumber(rb) ? rb->valuedouble : -1;
    const char *ids[] = {AUTOSEND_EP_WEBHOOKS_LIST, AUTOSEND_EP_INBOUND_LIST,
                         AUTOSEND_EP_EVENTS_LIST, AUTOSEND_EP_AUTOMATIONS_LIST};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        autosend_response *r = NULL;
        autosend_error *err = NULL;
        autosend_result res = autosend_client_call(c, S(ids[i]), S("{}"), &r, &err);
        CHECK(res == AUTOSEND_RESULT_KEY_SCOPE, "%s: %u", ids[i], res);
        CHECK(r == NULL, "no response");
        autosend_str msg = autosend_error_message(err);
        CHECK(msg.len > 0 && strstr(msg.data, account_key + 4) == NULL, "message without key");
        CHECK(autosend_error_hint(err).len > 0, "a hint");
        autosend_error_free(err);
        /* The sans-IO path refuses the same way. */
        autosend_call *call = NULL;
        CHECK(autosend_call_new(c, S(ids[i]), S("{}"), 1, &call, NULL) ==
                  AUTOSEND_RESULT_KEY_SCOPE,
              "call_new %s", ids[i]);
        autosend_call_free(call);
    }
    cJSON *after = admin(ca, admin_url, "GET", "/_sandbox/stats", NULL);
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(after, "requests_received");
    CHECK(cJSON_IsNumber(ra) && ra->valuedouble == received, "nothing was sent");
    cJSON_Delete(before);
    cJSON_Delete(after);
    /* The same key works for a project endpoint. */
    autosend_response *r = NULL;
    CHECK(call(c, AUTOSEND_EP_CONTACT_LISTS_LIST, "{}", &r) == AUTOSEND_RESULT_OK,
          "contactLists.list with the account key");
    autosend_response_free(r);
    autosend_client_free(c);
    end();
}

static void test_e2e(const char *info_path) {
    char *text = read_file(info_path);
    cJSON *info = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!info) {
        begin("e2e: sandbox info");
        CHECK(0, "cannot read %s", info_path);
        end();
        return;
    }
    const char *ca = jstr(info, "ca_cert");
    const char *admin_url = jstr(info, "admin_url");
    const cJSON *projects = cJSON_GetObjectItemCaseSensitive(info, "projects");
    const char *project_id = jstr(cJSON_GetArrayItem(projects, 0), "id");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(info, "keys");
    const char *account_key =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(keys, "account"), 0)->valuestring;

    /* A fresh project key per run: its own server-side budget (the sandbox keeps the real
     * 2/s, 50/min limits and the other C tests share the default key). */
    char body[256];
    snprintf(body, sizeof body, "{\"kind\":\"project\",\"project_id\":\"%s\"}", project_id);
    cJSON *fresh = admin(ca, admin_url, "POST", "/_sandbox/keys", body);
    const char *key = jstr(fresh, "key");
    begin("e2e: a fresh project key");
    CHECK(key != NULL, "admin /_sandbox/keys");
    end();
    if (key) {
        autosend_client *c = make_client(key, NULL);
        if (c) {
            test_new_endpoint(c);
            test_binary(c);
            autosend_client_free(c);
        }
    }
    cJSON_Delete(fresh);
    test_project_key_refusal(account_key, project_id, ca, admin_url);
    cJSON_Delete(info);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_catalog();
    const char *info = getenv("AUTOSEND_SANDBOX_INFO");
    if (info && *info) test_e2e(info);
    else fprintf(stderr, "note: AUTOSEND_SANDBOX_INFO not set; end-to-end tests skipped\n");
    curl_global_cleanup();
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
