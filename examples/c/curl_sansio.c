/* The sans-IO API driven by libcurl: libautosend decides what to send, when, and what the
 * answer means (rate limits, retries, errors); libcurl moves the bytes.
 *   cc curl_sansio.c $(pkg-config --cflags --libs autosend libcurl) -o curl_sansio
 *   AUTOSEND_API_KEY=AS_... [AUTOSEND_BASE_URL=...] [AUTOSEND_CA_FILE=ca.pem] ./curl_sansio */
#define _POSIX_C_SOURCE 200809L
#include <autosend.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The engine's process-wide monotonic clock: the rate-limit budget of a key is shared by
 * every client in the process, so everyone must feed it the same clock. */
static uint64_t now_ms(void) { return autosend_now_ms(); }

typedef struct {
    char *body;
    size_t body_len;
    char *lines[64];
    autosend_header headers[64];
    size_t n_headers;
} reply;

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
    reply *r = ud;
    char *nb = realloc(r->body, r->body_len + sz * n + 1);
    if (!nb) return 0;
    memcpy(nb + r->body_len, p, sz * n);
    r->body = nb;
    r->body_len += sz * n;
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
    reply *r = ud;
    size_t len = sz * n;
    char *colon = memchr(p, ':', len);
    if (colon && r->n_headers < 64) {
        char *line = malloc(len + 1);
        if (!line) return 0;
        memcpy(line, p, len);
        line[len] = 0;
        size_t name_len = (size_t)(colon - p);
        char *v = line + name_len + 1;
        while (*v == ' ') v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
        r->lines[r->n_headers] = line;
        r->headers[r->n_headers] =
            (autosend_header){(const uint8_t *)line, name_len, (const uint8_t *)v, vl};
        r->n_headers++;
    }
    return len;
}

/* Sends one SEND action with libcurl and feeds the outcome back into the call. */
static void perform(autosend_call *call, const autosend_action *a, const char *ca_file) {
    CURL *h = curl_easy_init();
    struct curl_slist *hl = NULL;
    for (size_t i = 0; i < autosend_action_header_count(a); i++) {
        autosend_str name, value;
        autosend_action_header(a, i, &name, &value);
        char line[8192];
        snprintf(line, sizeof line, "%s: %s", name.data, value.data);
        hl = curl_slist_append(hl, line);
    }
    hl = curl_slist_append(hl, "Expect:");
    reply r = {0};
    curl_easy_setopt(h, CURLOPT_URL, autosend_action_url(a).data);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, autosend_action_method(a).data);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)autosend_action_timeout_ms(a));
    if (ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
    if (autosend_action_has_body(a)) {
        const uint8_t *body;
        size_t len;
        autosend_action_body(a, &body, &len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        autosend_call_handle_response(call, now_ms(), (uint16_t)status, r.headers, r.n_headers,
                                      (const uint8_t *)r.body, r.body_len);
    } else {
        /* Only a failure to connect proves nothing was sent. */
        uint32_t kind = (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                         rc == CURLE_SSL_CONNECT_ERROR)
                            ? AUTOSEND_TRANSPORT_ERROR_CONNECT
                        : rc == CURLE_OPERATION_TIMEDOUT ? AUTOSEND_TRANSPORT_ERROR_TIMEOUT
                                                         : AUTOSEND_TRANSPORT_ERROR_CONNECTION_LOST;
        autosend_call_handle_transport_error(call, now_ms(), kind);
    }
    for (size_t i = 0; i < r.n_headers; i++) free(r.lines[i]);
    free(r.body);
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
}

int main(void) {
    const char *ca_file = getenv("AUTOSEND_CA_FILE");
    if (ca_file && !*ca_file) ca_file = NULL;
    autosend_client *client = NULL;
    autosend_error *error = NULL;
    autosend_call *call = NULL;
    int rc = 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (autosend_client_new_from_env(&client, &error) != AUTOSEND_RESULT_OK) goto out;
    const char *mail = "{\"from\":{\"email\":\"hello@mail.example.com\"},"
                       "\"to\":{\"email\":\"ada@example.com\"},"
                       "\"subject\":\"Sent through libcurl\",\"html\":\"<p>sans-IO</p>\"}";
    if (autosend_call_new(client, (const uint8_t *)"emails.send", 11, (const uint8_t *)mail,
                          strlen(mail), (uint64_t)time(NULL), &call, &error) != AUTOSEND_RESULT_OK)
        goto out;
    for (;;) {
        autosend_action *a = NULL;
        if (autosend_call_poll(call, now_ms(), &a) != AUTOSEND_RESULT_OK) goto out;
        uint32_t kind = autosend_action_get_kind(a);
        if (kind == AUTOSEND_ACTION_SEND) {
            printf("curl_sansio: attempt %u: %s %s\n", autosend_action_attempt(a),
                   autosend_action_method(a).data, autosend_action_url(a).data);
            perform(call, a, ca_file);
        } else if (kind == AUTOSEND_ACTION_WAIT) {
            uint64_t ms = autosend_action_wait_ms(a);
            struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else {
            if (autosend_action_result(a) == AUTOSEND_RESULT_OK) {
                printf("curl_sansio: sent %s\n",
                       autosend_response_json(autosend_action_response(a)).data);
                rc = 0;
            } else {
                const autosend_error *e = autosend_action_error(a);
                fprintf(stderr, "curl_sansio: %s (HTTP %u): %s\n", autosend_error_kind(e).data,
                        autosend_error_status(e), autosend_error_message(e).data);
            }
            autosend_action_free(a);
            break;
        }
        autosend_action_free(a);
    }
out:
    if (error) fprintf(stderr, "curl_sansio: %s\n", autosend_error_message(error).data);
    autosend_error_free(error);
    autosend_call_free(call);
    autosend_client_free(client);
    curl_global_cleanup();
    return rc;
}
