/*
 * Process-level reliability of libautosend (issue 14): SIGPIPE, fork(), a stalled TLS handshake
 * and an oversized answer. Runs with the default SIGPIPE disposition, as most C programs do.
 *
 * Usage: test_process   (AUTOSEND_SANDBOX_INFO, AUTOSEND_BASE_URL, AUTOSEND_CA_FILE and
 * AUTOSEND_API_KEY name a running sandbox, as bindings-c/test.sh sets them)
 * Exits 1 on any failure.
 */
#include <autosend.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

static const char *g_ca, *g_url, *g_key, *g_admin;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- admin API over libcurl ------------------------------------------------------------- */
struct buf {
    char *data;
    size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    struct buf *b = ud;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown) return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = 0;
    return size * n;
}

static cJSON *admin(const char *method, const char *path, const char *body) {
    CURL *c = curl_easy_init();
    struct buf b = {0};
    char url[512];
    snprintf(url, sizeof url, "%s%s", g_admin, path);
    struct curl_slist *h = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CAINFO, g_ca);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    cJSON *j = rc == CURLE_OK && b.data ? cJSON_Parse(b.data) : NULL;
    free(b.data);
    return j;
}

/* How many received mails have this subject. */
static int count_subject(const char *subject) {
    cJSON *all = admin("GET", "/_sandbox/messages", NULL);
    int n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, all) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(m, "subject");
        if (cJSON_IsString(s) && strcmp(s->valuestring, subject) == 0) n++;
    }
    cJSON_Delete(all);
    return n;
}

/* --- clients ------------------------------------------------------------------------------ */
static autosend_client *client_for(const char *base_url, const char *ca, uint64_t timeout_ms) {
    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    autosend_error *e = NULL;
    autosend_client_options_new(&o);
    autosend_client_options_set_api_key(o, S(g_key));
    autosend_client_options_set_base_url(o, (const uint8_t *)base_url, strlen(base_url));
    if (ca) autosend_client_options_set_ca_file(o, (const uint8_t *)ca, strlen(ca));
    autosend_client_options_set_timeout_ms(o, timeout_ms);
    autosend_client_options_set_max_retries(o, 0);
    /* Each test its own budget: the sandbox's 2/s limit is per key, these tests are few. */
    autosend_client_options_set_shared_limiter(o, false);
    if (autosend_client_new(o, &c, &e) != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "client_new: %s\n", autosend_error_message(e).data);
        exit(2);
    }
    autosend_error_free(e);
    autosend_client_options_free(o);
    return c;
}

static char *mail(const char *subject) {
    static char m[512];
    snprintf(m, sizeof m,
             "{\"from\":{\"email\":\"hello@mail.example.com\"},\"to\":{\"email\":\"ada@example.com\"},"
             "\"subject\":\"%s\",\"html\":\"<p>hi</p>\"}",
             subject);
    return m;
}

/* Calls `endpoint` and returns the result code; *mhbd gets may_have_been_delivered. */
static autosend_result call(autosend_client *c, const char *endpoint, const char *params, bool *mhbd,
                            char *kind, size_t kind_cap) {
    autosend_response *r = NULL;
    autosend_error *e = NULL;
    autosend_result rc = autosend_client_call(c, (const uint8_t *)endpoint, strlen(endpoint),
                                              (const uint8_t *)params, strlen(params), &r, &e);
    *mhbd = e ? autosend_error_may_have_been_delivered(e) : false;
    if (kind) snprintf(kind, kind_cap, "%s", e ? autosend_error_kind(e).data : "ok");
    autosend_response_free(r);
    autosend_error_free(e);
    return rc;
}

/* --- 1. SIGPIPE ---------------------------------------------------------------------------- */
static void test_sigpipe(void) {
    /* The default disposition: a SIGPIPE raised anywhere in the process would kill it (141). */
    signal(SIGPIPE, SIG_DFL);
    const char *cases[][3] = {
        {"before", "/v1/mails/send", "emails.send"},
        {"after", "/v1/mails/send", "emails.send"},
        {"before", "/v1/templates", "templates.list"},
        {"after", "/v1/templates", "templates.list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *when = cases[i][0], *path = cases[i][1], *ep = cases[i][2];
        pid_t pid = fork();
        if (pid == 0) {
            /* The client, with its I/O thread, is made in the child: a fresh process. */
            autosend_client *c = client_for(g_url, g_ca, 5000);
            char rule[256], subject[64];
            snprintf(rule, sizeof rule, "{\"path\":\"%s\",\"times\":1,\"fault\":{\"reset\":\"%s\"}}",
                     path, when);
            cJSON_Delete(admin("POST", "/_sandbox/faults", rule));
            snprintf(subject, sizeof subject, "sigpipe-%s-%d", when, (int)getpid());
            /* A big body: the write is still going on when the server resets. */
            size_t big = 4 << 20;
            char *params = malloc(big + 512);
            if (strcmp(ep, "emails.send") == 0) {
                int n = snprintf(params, big + 512,
                                 "{\"from\":{\"email\":\"hello@mail.example.com\"},"
                                 "\"to\":{\"email\":\"ada@example.com\"},\"subject\":\"%s\",\"html\":\"",
                                 subject);
                memset(params + n, 'x', big);
                strcpy(params + n + big, "\"}");
            } else {
                strcpy(params, "{}");
            }
            bool mhbd;
            char kind[64];
            autosend_result rc = call(c, ep, params, &mhbd, kind, sizeof kind);
            free(params);
            autosend_client_free(c);
            /* The I/O ran on this thread with SIGPIPE blocked: the mask is this thread's again,
             * and no SIGPIPE is left pending to kill it later. */
            sigset_t mask, pending;
            sigemptyset(&mask);
            sigemptyset(&pending);
            pthread_sigmask(SIG_BLOCK, NULL, &mask);
            sigpending(&pending);
            int clean = !sigismember(&mask, SIGPIPE) && !sigismember(&pending, SIGPIPE);
            if (!clean) fprintf(stderr, "  %s reset %s: SIGPIPE left blocked or pending\n", ep, when);
            /* 302 connection_lost; for the send, may have been delivered. */
            int ok = clean && rc == AUTOSEND_RESULT_CONNECTION_LOST &&
                     strcmp(kind, "connection_lost") == 0 && (strcmp(ep, "emails.send") != 0 || mhbd);
            if (!ok) fprintf(stderr, "  %s reset %s: got %d %s mhbd=%d\n", ep, when, (int)rc, kind, mhbd);
            _exit(ok ? 0 : 3);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(!WIFSIGNALED(status), "%s with reset %s: the process was killed by signal %d", ep,
              when, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s with reset %s: expected a typed 302 connection_lost (exit %d)", ep, when,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        cJSON_Delete(admin("DELETE", "/_sandbox/faults", NULL));
        usleep(600 * 1000); /* the sandbox's 2/s per key */
    }
    printf("sigpipe: %s\n", failures ? "FAILED" : "ok");
}

/* --- 2. fork ------------------------------------------------------------------------------- */
static void test_fork(void) {
    int before = failures;
    autosend_client *c = client_for(g_url, g_ca, 5000);
    bool mhbd;
    /* The parent uses the client first (its I/O thread and connection pool exist). */
    char kind[64];
    CHECK(call(c, "templates.list", "{}", &mhbd, kind, sizeof kind) == AUTOSEND_RESULT_OK, "parent call: %s", kind);
    char subject[64];
    snprintf(subject, sizeof subject, "fork-child-%d", (int)getpid());
    pid_t pid = fork();
    if (pid == 0) {
        sleep(1); /* the per-key 2/s budget of the sandbox */
        autosend_result rc = call(c, "emails.send", mail(subject), &mhbd, kind, sizeof kind);
        if (rc != AUTOSEND_RESULT_OK) fprintf(stderr, "  child send: %d %s mhbd=%d\n", (int)rc, kind, mhbd);
        _exit(rc == AUTOSEND_RESULT_OK ? 0 : 3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child's send failed (status %d)", status);
    CHECK(count_subject(subject) == 1, "the child's mail reached the sandbox %d times, not once",
          count_subject(subject));
    /* The parent's client still works after the fork. */
    sleep(1);
    CHECK(call(c, "templates.list", "{}", &mhbd, kind, sizeof kind) == AUTOSEND_RESULT_OK,
          "parent call after fork: %s", kind);
    autosend_client_free(c);
    printf("fork: %s\n", failures > before ? "FAILED" : "ok");
}

/* --- 2b. exit() with calls running ------------------------------------------------------------
 * The Python binding died at interpreter exit while its runtime threads were still inside calls
 * (bench/NOTES.md). The C library's equivalent: exit() while other threads are inside blocking
 * calls (with an event callback) and the client was never freed. Each child must exit 0. */
static void on_event_ignore(void *ud, autosend_str e) {
    (void)ud;
    (void)e;
}

static void *call_forever(void *c) {
    bool mhbd;
    for (;;) call(c, "templates.list", "{}", &mhbd, NULL, 0);
    return NULL;
}

static void test_exit_with_calls_running(void) {
    int before = failures;
    for (int round = 0; round < 4; round++) {
        fflush(NULL); /* the child's exit() flushes its copy of the buffers */
        pid_t pid = fork();
        if (pid == 0) {
            autosend_client_options *o = NULL;
            autosend_client *c = NULL;
            autosend_client_options_new(&o);
            autosend_client_options_set_api_key(o, S(g_key));
            autosend_client_options_set_base_url(o, (const uint8_t *)g_url, strlen(g_url));
            autosend_client_options_set_ca_file(o, (const uint8_t *)g_ca, strlen(g_ca));
            autosend_client_options_set_shared_limiter(o, false);
            autosend_client_options_set_event_callback(o, on_event_ignore, NULL);
            if (autosend_client_new(o, &c, NULL) != AUTOSEND_RESULT_OK) _exit(2);
            autosend_client_options_free(o);
            pthread_t t;
            for (int i = 0; i < 4; i++) pthread_create(&t, NULL, call_forever, c);
            usleep(50 * 1000);
            exit(0); /* atexit handlers and stdio teardown run while the threads are in calls */
        }
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit() with calls running: status %d", status);
    }
    printf("exit with calls running: %s\n", failures > before ? "FAILED" : "ok");
}

/* --- local misbehaving servers (a forked process on loopback) ------------------------------ */
static int listen_loopback(int *port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 8);
    socklen_t l = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return s;
}

/* mode 0: accept and never speak (a stalled TLS handshake); mode 1: answer 200 with an endless
 * body (bounded: 200 MB at most, stops when the client hangs up). */
static pid_t serve(int mode, int *port) {
    int s = listen_loopback(port);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        alarm(30); /* never outlives the test */
        for (;;) {
            int c = accept(s, NULL, NULL);
            if (c < 0) _exit(0);
            if (mode == 0) continue; /* keep the connection open, say nothing */
            char req[8192];
            (void)!read(c, req, sizeof req);
            const char *head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                               "transfer-encoding: chunked\r\n\r\n";
            if (write(c, head, strlen(head)) < 0) goto next;
            static char chunk[65536 + 16];
            int hl = snprintf(chunk, 16, "10000\r\n");
            memset(chunk + hl, ' ', 65536);
            memcpy(chunk + hl + 65536, "\r\n", 2);
            for (size_t sent = 0; sent < (size_t)200 << 20; sent += 65536)
                if (write(c, chunk, (size_t)hl + 65536 + 2) < 0) break;
        next:
            close(c);
        }
    }
    close(s);
    return pid;
}

/* --- 7. a stalled TLS handshake is `connect` ----------------------------------------------- */
static void test_tls_stall(void) {
    int before = failures, port;
    pid_t srv = serve(0, &port);
    char url[64];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/v1", port);
    autosend_client *c = client_for(url, g_ca, 1000);
    bool mhbd;
    char kind[64];
    double t0 = now_s();
    autosend_result rc = call(c, "emails.send", mail("tls-stall"), &mhbd, kind, sizeof kind);
    double took = now_s() - t0;
    CHECK(rc == AUTOSEND_RESULT_CONNECT && strcmp(kind, "connect") == 0,
          "stalled handshake: expected 300 connect, got %d %s", (int)rc, kind);
    CHECK(!mhbd, "stalled handshake: nothing was sent, yet may_have_been_delivered");
    CHECK(took < 3.0, "stalled handshake took %.1f s with a 1 s timeout", took);
    autosend_client_free(c);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
    printf("tls stall: %s (%.2f s)\n", failures > before ? "FAILED" : "ok", took);
}

/* --- 5. answers larger than the cap are refused while they stream --------------------------- */
static void test_big_body(void) {
    int before = failures, port;
    pid_t srv = serve(1, &port);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
    autosend_client *c = client_for(url, NULL, 20000);
    bool mhbd;
    char kind[64];
    double t0 = now_s();
    autosend_result rc = call(c, "emails.send", mail("big-body"), &mhbd, kind, sizeof kind);
    double took = now_s() - t0;
    CHECK(rc == AUTOSEND_RESULT_INVALID_RESPONSE && strcmp(kind, "invalid_response") == 0,
          "200 MB answer: expected 209 invalid_response, got %d %s", (int)rc, kind);
    CHECK(mhbd, "200 MB answer to a send: may_have_been_delivered must be true");
    autosend_client_free(c);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
    printf("big body: %s (%.2f s)\n", failures > before ? "FAILED" : "ok", took);
}

int main(void) {
    g_ca = getenv("AUTOSEND_CA_FILE");
    g_url = getenv("AUTOSEND_BASE_URL");
    g_key = getenv("AUTOSEND_API_KEY");
    if (!g_ca || !g_url || !g_key) {
        fprintf(stderr, "test_process: AUTOSEND_CA_FILE, AUTOSEND_BASE_URL, AUTOSEND_API_KEY needed\n");
        return 1;
    }
    static char origin[256];
    snprintf(origin, sizeof origin, "%s", g_url);
    char *v1 = strstr(origin, "/v1");
    if (v1) *v1 = 0;
    g_admin = origin;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* A key of its own: the other test programs have used the shared key's 50/min budget. */
    static char key[128];
    const char *info_path = getenv("AUTOSEND_SANDBOX_INFO");
    FILE *f = info_path ? fopen(info_path, "r") : NULL;
    if (f) {
        static char info[65536];
        size_t n = fread(info, 1, sizeof info - 1, f);
        fclose(f);
        info[n] = 0;
        cJSON *j = cJSON_Parse(info);
        const cJSON *project = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "projects"), 0);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(project, "id");
        if (cJSON_IsString(id)) {
            char body[256];
            snprintf(body, sizeof body, "{\"kind\":\"project\",\"project_id\":\"%s\"}", id->valuestring);
            cJSON *made = admin("POST", "/_sandbox/keys", body);
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(made, "key");
            if (cJSON_IsString(k)) {
                snprintf(key, sizeof key, "%s", k->valuestring);
                g_key = key;
            }
            cJSON_Delete(made);
        }
        cJSON_Delete(j);
    }
    test_sigpipe();
    test_fork();
    test_exit_with_calls_running();
    test_tls_stall();
    test_big_body();
    curl_global_cleanup();
    printf("test_process: %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
