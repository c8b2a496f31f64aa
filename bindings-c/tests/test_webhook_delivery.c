/*
 * Webhook delivery end to end (issue 16): register a loopback webhook with webhooks.create,
 * send a mail, receive the sandbox's signed email.delivered on a tiny HTTP server in this
 * test, verify it with the library's own autosend_webhook_verify, and find it in
 * webhooks.logs.
 *
 * Usage: test_webhook_delivery   (AUTOSEND_FAST_SANDBOX_INFO, or AUTOSEND_BASE_URL,
 * AUTOSEND_CA_FILE and AUTOSEND_API_KEY, name a running sandbox, as bindings-c/test.sh sets
 * them). Exits 1 on any failure.
 */
#define _GNU_SOURCE /* strcasestr */
#include <autosend.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (!(cond)) {                                                \
            failures++;                                               \
            fprintf(stderr, "  FAILED %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                             \
            fputc('\n', stderr);                                      \
        }                                                             \
    } while (0)

#define S(lit) (const uint8_t *)(lit), strlen(lit)

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Calls `endpoint` with JSON `params`; returns the parsed data (NULL on error). */
static cJSON *call(autosend_client *c, const char *endpoint, const char *params) {
    autosend_response *r = NULL;
    autosend_error *e = NULL;
    cJSON *out = NULL;
    if (autosend_client_call(c, S(endpoint), S(params), &r, &e) == AUTOSEND_RESULT_OK) {
        autosend_str j = autosend_response_json(r);
        out = cJSON_ParseWithLength(j.data, j.len);
    } else {
        fprintf(stderr, "%s: %s\n", endpoint, autosend_error_message(e).data);
    }
    autosend_response_free(r);
    autosend_error_free(e);
    return out;
}

/* One request on `srv` (waits up to 20 s): headers and body into the caller's buffers. */
static int receive(int srv, char *req, size_t cap, size_t *len) {
    struct pollfd p = {srv, POLLIN, 0};
    if (poll(&p, 1, 20000) != 1) return -1;
    int s = accept(srv, NULL, NULL);
    if (s < 0) return -1;
    *len = 0;
    size_t want = 0;
    for (;;) {
        ssize_t n = recv(s, req + *len, cap - 1 - *len, 0);
        if (n <= 0) break;
        *len += (size_t)n;
        req[*len] = 0;
        char *end = strstr(req, "\r\n\r\n");
        if (end && !want) {
            char *cl = strcasestr(req, "content-length:");
            want = (size_t)(end + 4 - req) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
        }
        if (want && *len >= want) break;
    }
    const char *ok = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
    (void)!send(s, ok, strlen(ok), 0);
    close(s);
    return 0;
}

int main(void) {
    const char *ca = getenv("AUTOSEND_CA_FILE"), *url = getenv("AUTOSEND_BASE_URL"),
               *key = getenv("AUTOSEND_API_KEY");
    /* Prefer the sandbox without server-side limits (test.sh's "fast" one): the shared key of
     * the other has spent its 50/min on the other test programs. */
    static char fast_url[256], fast_ca[512], fast_key[128];
    const char *fast = getenv("AUTOSEND_FAST_SANDBOX_INFO");
    FILE *f = fast ? fopen(fast, "r") : NULL;
    if (f) {
        static char info[65536];
        size_t n = fread(info, 1, sizeof info - 1, f);
        fclose(f);
        info[n] = 0;
        cJSON *j = cJSON_Parse(info);
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "url");
        const cJSON *cc = cJSON_GetObjectItemCaseSensitive(j, "ca_cert");
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "keys"), "project"), 0),
            "key");
        if (cJSON_IsString(u) && cJSON_IsString(cc) && cJSON_IsString(k)) {
            snprintf(fast_url, sizeof fast_url, "%s", u->valuestring);
            snprintf(fast_ca, sizeof fast_ca, "%s", cc->valuestring);
            snprintf(fast_key, sizeof fast_key, "%s", k->valuestring);
            url = fast_url;
            ca = fast_ca;
            key = fast_key;
        }
        cJSON_Delete(j);
    }
    if (!ca || !url || !key) {
        fprintf(stderr, "test_webhook_delivery: AUTOSEND_CA_FILE, AUTOSEND_BASE_URL, AUTOSEND_API_KEY needed\n");
        return 1;
    }
    /* The receiver: a loopback socket, listening before the webhook is registered. */
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(srv, (struct sockaddr *)&a, sizeof a) || listen(srv, 8) ||
        getsockname(srv, (struct sockaddr *)&a, &alen)) {
        perror("receiver");
        return 1;
    }

    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    autosend_error *e = NULL;
    autosend_client_options_new(&o);
    autosend_client_options_set_api_key(o, S(key));
    autosend_client_options_set_base_url(o, S(url));
    autosend_client_options_set_ca_file(o, S(ca));
    if (autosend_client_new(o, &c, &e) != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "client_new: %s\n", autosend_error_message(e).data);
        return 1;
    }
    autosend_client_options_free(o);

    char params[512];
    snprintf(params, sizeof params,
             "{\"url\":\"http://127.0.0.1:%u/autosend\",\"events\":[\"email.delivered\"]}",
             (unsigned)ntohs(a.sin_port));
    cJSON *created = call(c, "webhooks.create", params);
    const cJSON *hook = cJSON_GetObjectItemCaseSensitive(created, "webhook");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(hook, "id");
    const cJSON *secret = cJSON_GetObjectItemCaseSensitive(hook, "secret");
    if (!cJSON_IsString(id) || !cJSON_IsString(secret)) {
        fprintf(stderr, "webhooks.create gave no id/secret\n");
        return 1;
    }
    cJSON *sent = call(c, "emails.send",
                       "{\"from\":{\"email\":\"hello@mail.example.com\"},\"to\":{\"email\":\"ada@example.com\"},"
                       "\"subject\":\"webhook e2e\",\"html\":\"<p>hi</p>\"}");
    const cJSON *email_id = cJSON_GetObjectItemCaseSensitive(sent, "emailId");
    CHECK(cJSON_IsString(email_id), "emails.send gave no emailId");

    static char req[65536];
    size_t len = 0;
    CHECK(receive(srv, req, sizeof req, &len) == 0, "no delivery within 20 s");
    char *body = strstr(req, "\r\n\r\n");
    if (!body) {
        fprintf(stderr, "no HTTP request received\n");
        return 1;
    }
    *body = 0;
    body += 4;
    size_t body_len = len - (size_t)(body - req);
    /* Parse the header lines into autosend_header pairs. */
    autosend_header hs[32];
    size_t nh = 0;
    for (char *line = strstr(req, "\r\n"); line && nh < 32; line = strstr(line, "\r\n")) {
        line += 2;
        char *colon = strchr(line, ':');
        char *eol = strstr(line, "\r\n");
        if (!colon || (eol && colon > eol)) continue;
        size_t vlen = (eol ? (size_t)(eol - colon) : strlen(colon)) - 1;
        const char *v = colon + 1;
        while (*v == ' ' && vlen) v++, vlen--;
        hs[nh].name = (const uint8_t *)line;
        hs[nh].name_len = (size_t)(colon - line);
        hs[nh].value = (const uint8_t *)v;
        hs[nh].value_len = vlen;
        nh++;
    }
    autosend_webhook_event *ev = NULL;
    autosend_result rc = autosend_webhook_verify((const uint8_t *)body, body_len, hs, nh,
                                                 S(secret->valuestring), now_ms(), NULL, &ev, &e);
    CHECK(rc == AUTOSEND_RESULT_OK, "verify failed: %s", e ? autosend_error_message(e).data : "?");
    autosend_error_free(e);
    e = NULL;
    char delivery[64] = "";
    if (ev) {
        autosend_str t = autosend_webhook_event_type(ev);
        CHECK(t.len == 15 && memcmp(t.data, "email.delivered", 15) == 0, "type %.*s", (int)t.len, t.data);
        autosend_str j = autosend_webhook_event_json(ev);
        cJSON *evj = cJSON_ParseWithLength(j.data, j.len);
        const cJSON *eid = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(evj, "data"), "emailId");
        CHECK(cJSON_IsString(eid) && cJSON_IsString(email_id) && strcmp(eid->valuestring, email_id->valuestring) == 0,
              "the event names another email");
        cJSON_Delete(evj);
        autosend_str d = autosend_webhook_event_delivery_id(ev);
        snprintf(delivery, sizeof delivery, "%.*s", (int)d.len, d.data);
        autosend_webhook_event_free(ev);
    }
    /* A tampered body and another secret are refused. */
    body[0] = ' ';
    ev = NULL;
    rc = autosend_webhook_verify((const uint8_t *)body, body_len, hs, nh, S(secret->valuestring), now_ms(),
                                 NULL, &ev, &e);
    CHECK(rc != AUTOSEND_RESULT_OK && ev == NULL, "a tampered body verified");
    autosend_error_free(e);
    e = NULL;

    /* The delivery log shows it delivered. */
    int logged = 0;
    snprintf(params, sizeof params, "{\"id\":\"%s\"}", id->valuestring);
    for (int i = 0; i < 40 && !logged; i++) {
        cJSON *logs = call(c, "webhooks.logs", params);
        const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(logs, "logs"), 0);
        const cJSON *job = cJSON_GetObjectItemCaseSensitive(first, "jobId");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "success"))) {
            logged = 1;
            CHECK(cJSON_IsString(job) && strcmp(job->valuestring, delivery) == 0, "jobId != delivery id");
        }
        cJSON_Delete(logs);
        if (!logged) usleep(600 * 1000); /* the sandbox's 2/s per key */
    }
    CHECK(logged, "webhooks.logs never showed a successful delivery");
    /* The sandbox is shared by the other test programs: their sends must not go to a closed port. */
    cJSON_Delete(call(c, "webhooks.delete", params));

    cJSON_Delete(created);
    cJSON_Delete(sent);
    autosend_client_free(c);
    close(srv);
    printf("webhook delivery: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
