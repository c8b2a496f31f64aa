/*
 * The cross-language fault matrix (tests/faults/matrix.json) through the C library: every case
 * against the sandbox (AUTOSEND_SANDBOX_INFO, its start-up JSON) or the misbehaving HTTPS
 * server (AUTOSEND_MISBEHAVE_INFO, its start-up JSON; AUTOSEND_MISBEHAVE_CA, its CA file).
 * Rust, Node and Python run the same file. Pending cases are skipped with a PENDING line.
 *
 * Usage: test_fault_matrix MATRIX_JSON
 */
#include <autosend.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static cJSON *http_json(const char *ca, const char *url, const char *method, const char *body) {
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    buf_t b = {0};
    struct curl_slist *hd = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
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

static cJSON *read_json(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf_t b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) on_write(chunk, 1, n, &b);
    fclose(f);
    cJSON *j = b.data ? cJSON_Parse(b.data) : NULL;
    free(b.data);
    return j;
}

static long count(cJSON *obj, const char *name) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static const char *str(cJSON *obj, const char *name) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Stats of the sandbox (processed) or the misbehaving server (received). */
static cJSON *counters(const char *server, cJSON *sb, const char *sb_ca, cJSON *mb, const char *mb_ca) {
    char url[1024];
    cJSON *all;
    if (strcmp(server, "sandbox") == 0) {
        snprintf(url, sizeof url, "%s/_sandbox/stats", str(sb, "admin_url"));
        all = http_json(sb_ca, url, "GET", NULL);
        if (!all) return cJSON_CreateObject();
        cJSON *p = cJSON_DetachItemFromObjectCaseSensitive(all, "processed");
        cJSON_Delete(all);
        return p ? p : cJSON_CreateObject();
    }
    snprintf(url, sizeof url, "%s/_stats", str(mb, "url"));
    all = http_json(mb_ca, url, "GET", NULL);
    if (!all) return cJSON_CreateObject();
    cJSON *r = cJSON_DetachItemFromObjectCaseSensitive(all, "received");
    cJSON_Delete(all);
    return r ? r : cJSON_CreateObject();
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_fault_matrix MATRIX_JSON\n");
        return 2;
    }
    const char *sb_path = getenv("AUTOSEND_SANDBOX_INFO");
    const char *mb_path = getenv("AUTOSEND_MISBEHAVE_INFO");
    const char *mb_ca = getenv("AUTOSEND_MISBEHAVE_CA");
    cJSON *m = read_json(argv[1]);
    cJSON *sb = sb_path ? read_json(sb_path) : NULL;
    cJSON *mb = mb_path ? read_json(mb_path) : NULL;
    if (!m || !sb || !mb || !mb_ca) {
        fprintf(stderr, "test_fault_matrix: matrix, AUTOSEND_SANDBOX_INFO, AUTOSEND_MISBEHAVE_INFO and "
                        "AUTOSEND_MISBEHAVE_CA are needed\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *sb_ca = str(sb, "ca_cert");
    cJSON *cl = cJSON_GetObjectItemCaseSensitive(m, "client");
    cJSON *classes = cJSON_GetObjectItemCaseSensitive(m, "classes");
    cJSON *cases = cJSON_GetObjectItemCaseSensitive(m, "cases");
    int passed = 0, failed = 0, pending = 0, i = -1;
    cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        i++;
        const char *name = str(c, "name");
        cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "pending");
        const char *why = cJSON_IsString(p) ? p->valuestring : (cJSON_IsObject(p) ? str(p, "c") : NULL);
        if (why) {
            printf("PENDING %s: %s\n", name, why);
            pending++;
            continue;
        }
        const char *server = str(c, "server");
        cJSON *cls = cJSON_GetObjectItemCaseSensitive(classes, str(c, "class"));
        const char *endpoint = str(cls, "endpoint");
        char key[128], secret[128], base[1024], url[1024];
        snprintf(key, sizeof key, "AS_matrixc%dx%d", i, 7000000 + i * 7919);
        snprintf(secret, sizeof secret, "%s", key + 3);
        const char *ca;
        if (strcmp(server, "sandbox") == 0) {
            char body[4096];
            snprintf(body, sizeof body, "{\"key\":\"%s\"}", key);
            snprintf(url, sizeof url, "%s/_sandbox/keys", str(sb, "admin_url"));
            cJSON_Delete(http_json(sb_ca, url, "POST", body));
            cJSON *rule = cJSON_CreateObject();
            cJSON_AddStringToObject(rule, "path", str(cls, "path"));
            cJSON_AddNumberToObject(rule, "times", 1);
            cJSON_AddItemToObject(rule, "fault",
                                  cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "fault"), 1));
            char *rj = cJSON_PrintUnformatted(rule);
            snprintf(url, sizeof url, "%s/_sandbox/faults", str(sb, "admin_url"));
            cJSON_Delete(http_json(sb_ca, url, "POST", rj));
            free(rj);
            cJSON_Delete(rule);
            snprintf(base, sizeof base, "%s", str(sb, "url"));
            ca = sb_ca;
        } else {
            const char *b = str(c, "behaviour");
            if (strcmp(b, "tlsstall") == 0)
                snprintf(base, sizeof base, "%s/v1", str(mb, "stall_url"));
            else
                snprintf(base, sizeof base, "%s/%s/v1", str(mb, "url"), b);
            ca = mb_ca;
        }
        cJSON *before = counters(server, sb, sb_ca, mb, mb_ca);

        autosend_client_options *o = NULL;
        autosend_client *client = NULL;
        autosend_client_options_new(&o);
        autosend_client_options_set_api_key(o, (const uint8_t *)key, strlen(key));
        autosend_client_options_set_base_url(o, (const uint8_t *)base, strlen(base));
        autosend_client_options_set_ca_file(o, (const uint8_t *)ca, strlen(ca));
        autosend_client_options_set_max_retries(o, (uint32_t)count(cl, "max_retries"));
        autosend_client_options_set_timeout_ms(o, (uint64_t)count(cl, "timeout_ms"));
        autosend_client_options_set_deadline_ms(o, (uint64_t)count(cl, "deadline_ms"));
        autosend_result rc = autosend_client_new(o, &client, NULL);
        autosend_client_options_free(o);
        char problems[4096] = "";
#define PROBLEM(...)                                                                   \
    do {                                                                               \
        size_t used = strlen(problems);                                                \
        snprintf(problems + used, sizeof problems - used, "; " __VA_ARGS__);           \
    } while (0)
        if (rc != AUTOSEND_RESULT_OK) {
            PROBLEM("client not created (%u)", (unsigned)rc);
        } else {
            char *params = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(cls, "params"));
            autosend_response *resp = NULL;
            autosend_error *err = NULL;
            rc = autosend_client_call(client, (const uint8_t *)endpoint, strlen(endpoint),
                                      (const uint8_t *)params, strlen(params), &resp, &err);
            free(params);
            cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expect");
            bool want_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(exp, "ok"));
            if (rc == AUTOSEND_RESULT_OK) {
                if (!want_ok) PROBLEM("succeeded, expected an error");
            } else if (!err) {
                PROBLEM("failed (%u) without error details", (unsigned)rc);
            } else {
                const char *kind = autosend_error_kind(err).data;
                if (want_ok) PROBLEM("failed with %s: %s", kind, autosend_error_message(err).data);
                const char *k = str(exp, "error");
                if (k && strcmp(k, kind) != 0)
                    PROBLEM("kind %s, expected %s (%s)", kind, k, autosend_error_message(err).data);
                cJSON *kin = cJSON_GetObjectItemCaseSensitive(exp, "error_in");
                if (cJSON_IsArray(kin)) {
                    int found = 0;
                    cJSON *x;
                    cJSON_ArrayForEach(x, kin) found |= cJSON_IsString(x) && strcmp(x->valuestring, kind) == 0;
                    if (!found) PROBLEM("kind %s not among the expected", kind);
                }
                cJSON *st = cJSON_GetObjectItemCaseSensitive(exp, "status");
                if (cJSON_IsNumber(st) && autosend_error_status(err) != (uint16_t)st->valuedouble)
                    PROBLEM("status %u, expected %d", autosend_error_status(err), (int)st->valuedouble);
                cJSON *d = cJSON_GetObjectItemCaseSensitive(exp, "may_have_been_delivered");
                if (cJSON_IsBool(d) && autosend_error_may_have_been_delivered(err) != (bool)cJSON_IsTrue(d))
                    PROBLEM("may_have_been_delivered %d, expected %d",
                            (int)autosend_error_may_have_been_delivered(err), (int)cJSON_IsTrue(d));
                if (strstr(autosend_error_message(err).data, secret) || strstr(autosend_error_json(err).data, secret))
                    PROBLEM("the key appears in the error");
            }
            if (resp) autosend_response_free(resp);
            if (err) autosend_error_free(err);
            cJSON *after = counters(server, sb, sb_ca, mb, mb_ca);
            if (strcmp(server, "sandbox") == 0) {
                snprintf(url, sizeof url, "%s/_sandbox/faults", str(sb, "admin_url"));
                cJSON_Delete(http_json(sb_ca, url, "DELETE", NULL));
                long n = count(after, endpoint) - count(before, endpoint);
                cJSON *want = cJSON_GetObjectItemCaseSensitive(exp, "processed");
                if (cJSON_IsNumber(want) && n != (long)want->valuedouble)
                    PROBLEM("processed %ld times, expected %d", n, (int)want->valuedouble);
                cJSON *most = cJSON_GetObjectItemCaseSensitive(exp, "processed_at_most");
                if (cJSON_IsNumber(most) && n > (long)most->valuedouble)
                    PROBLEM("processed %ld times, expected at most %d", n, (int)most->valuedouble);
            } else {
                cJSON *want = cJSON_GetObjectItemCaseSensitive(exp, "received");
                cJSON *x;
                cJSON_ArrayForEach(x, want) {
                    long n = count(after, x->string) - count(before, x->string);
                    if (n != (long)x->valuedouble)
                        PROBLEM("%s received %ld requests, expected %d", x->string, n, (int)x->valuedouble);
                }
            }
            cJSON_Delete(after);
            autosend_client_free(client);
        }
        cJSON_Delete(before);
        if (problems[0]) {
            fprintf(stderr, "FAILED %s%s\n", name, problems);
            failed++;
        } else {
            printf("ok %s\n", name);
            passed++;
        }
    }
    printf("fault matrix: %d passed, %d pending, %d failed\n", passed, pending, failed);
    cJSON_Delete(m);
    cJSON_Delete(sb);
    cJSON_Delete(mb);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
