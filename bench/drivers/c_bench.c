/* Benchmark driver (C): one client, one scenario, one JSON line on stdout.
 *   c_bench CLIENT SCENARIO URL CA KEY N [WARMUP [INFLIGHT]]
 * CLIENT: sdk (libautosend: one client) | curl (raw libcurl: one reused easy handle per thread).
 * SCENARIO: seq (N sequential sends) | par (N sends from INFLIGHT threads, default 16: the
 * SDK's one thread-safe client shared, libcurl one easy handle per thread, as its docs ask) |
 * startup (one send). Both speak HTTP/1.1 (the sandbox offers no h2) over one kept-alive TLS
 * connection per thread. Built by bench/run.sh. */
#include <autosend.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define S(x) (x), strlen(x)

static const char *MAIL = "{\"from\":{\"email\":\"hello@mail.example.com\"},\"to\":{\"email\":"
                          "\"a@example.com\"},\"subject\":\"m\",\"html\":\"<p>hi</p>\"}";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static double rss_mb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (double)resident * 4096.0 / 1048576.0;
}

/* The response body, kept like an application would (the raw client has to read it). */
struct buf {
    char *data;
    size_t len, cap;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    struct buf *b = ud;
    size_t k = size * n;
    if (b->len + k + 1 > b->cap) {
        b->cap = (b->len + k + 1) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, k);
    b->len += k;
    b->data[b->len] = 0;
    return k;
}

static autosend_client *sdk;
static const char *g_url, *g_ca, *g_key;
static int g_threads;

/* One sending thread's state: the raw client's easy handle and the body it reads. */
struct worker {
    CURL *easy;
    struct curl_slist *headers;
    struct buf body;
    char endpoint[1024], auth[512];
};

static int send_sdk(struct worker *w) {
    (void)w;
    autosend_response *resp = NULL;
    autosend_error *err = NULL;
    autosend_result r = autosend_client_send_email(sdk, S(MAIL), &resp, &err);
    if (r != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "send failed: %s\n", autosend_error_json(err).data);
        return 1;
    }
    autosend_response_free(resp);
    return 0;
}

static void curl_setup(struct worker *w) {
    snprintf(w->endpoint, sizeof w->endpoint, "%s/mails/send", g_url);
    snprintf(w->auth, sizeof w->auth, "authorization: Bearer %s", g_key);
    w->easy = curl_easy_init();
    w->headers = curl_slist_append(NULL, w->auth);
    w->headers = curl_slist_append(w->headers, "content-type: application/json");
    curl_easy_setopt(w->easy, CURLOPT_URL, w->endpoint);
    curl_easy_setopt(w->easy, CURLOPT_CAINFO, g_ca);
    curl_easy_setopt(w->easy, CURLOPT_HTTPHEADER, w->headers);
    curl_easy_setopt(w->easy, CURLOPT_POSTFIELDS, MAIL);
    curl_easy_setopt(w->easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(w->easy, CURLOPT_WRITEDATA, &w->body);
    /* Threads: no signals (libcurl's docs for multi-threaded use); one thread keeps the
     * default, as a plain program would. */
    if (g_threads) curl_easy_setopt(w->easy, CURLOPT_NOSIGNAL, 1L);
}

static int send_curl(struct worker *w) {
    w->body.len = 0;
    CURLcode rc = curl_easy_perform(w->easy);
    long status = 0;
    curl_easy_getinfo(w->easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "curl: %s (HTTP %ld)\n", curl_easy_strerror(rc), status);
        return 1;
    }
    return 0;
}

/* The par scenario: every thread warms its connection up, all start together, and they share
 * the N sends. */
static int (*g_send)(struct worker *);
static int g_use_curl, g_warm_each;
static atomic_int g_next, g_failed;
static int g_n;
static pthread_barrier_t g_ready, g_go;

static void *par_thread(void *arg) {
    struct worker *w = arg;
    if (g_use_curl) curl_setup(w);
    for (int i = 0; i < g_warm_each; i++)
        if (g_send(w)) atomic_store(&g_failed, 1);
    pthread_barrier_wait(&g_ready);
    pthread_barrier_wait(&g_go);
    while (atomic_fetch_add(&g_next, 1) < g_n)
        if (g_send(w)) {
            atomic_store(&g_failed, 1);
            break;
        }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 7) return 2;
    const char *client = argv[1], *scenario = argv[2];
    g_url = argv[3];
    g_ca = argv[4];
    g_key = argv[5];
    int n = atoi(argv[6]), warmup = argc > 7 ? atoi(argv[7]) : 0;
    int inflight = argc > 8 ? atoi(argv[8]) : 16;
    static struct worker main_worker;
    if (strcmp(client, "sdk") == 0) {
        autosend_client_options *o = NULL;
        autosend_client_options_new(&o);
        autosend_client_options_set_api_key(o, S(g_key));
        autosend_client_options_set_base_url(o, S(g_url));
        autosend_client_options_set_ca_file(o, S(g_ca));
        autosend_client_options_set_max_retries(o, 0);
        autosend_client_options_set_rate_limits(o, 100000, 1000000);
        if (autosend_client_new(o, &sdk, NULL) != AUTOSEND_RESULT_OK) return 1;
        autosend_client_options_free(o);
        g_send = send_sdk;
    } else {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        g_use_curl = 1;
        g_send = send_curl;
    }
    double wall, cpu;
    if (strcmp(scenario, "par") == 0) {
        if (inflight < 1) inflight = 1;
        g_threads = 1;
        pthread_t *th = calloc((size_t)inflight, sizeof *th);
        struct worker *ws = calloc((size_t)inflight, sizeof *ws);
        g_n = n;
        g_warm_each = warmup / inflight > 0 ? warmup / inflight : 1;
        pthread_barrier_init(&g_ready, NULL, (unsigned)inflight + 1);
        pthread_barrier_init(&g_go, NULL, (unsigned)inflight + 1);
        for (int i = 0; i < inflight; i++) pthread_create(&th[i], NULL, par_thread, &ws[i]);
        pthread_barrier_wait(&g_ready);
        double c0 = cpu_s(), t0 = now_s();
        pthread_barrier_wait(&g_go);
        for (int i = 0; i < inflight; i++) pthread_join(th[i], NULL);
        wall = now_s() - t0;
        cpu = cpu_s() - c0;
        if (atomic_load(&g_failed)) return 1;
        for (int i = 0; i < inflight; i++) {
            if (ws[i].easy) curl_easy_cleanup(ws[i].easy);
            curl_slist_free_all(ws[i].headers);
            free(ws[i].body.data);
        }
        free(th);
        free(ws);
    } else {
        if (strcmp(scenario, "startup") == 0) n = n < 1 ? 1 : n;
        if (g_use_curl) curl_setup(&main_worker);
        for (int i = 0; i < warmup; i++)
            if (g_send(&main_worker)) return 1;
        double c0 = cpu_s(), t0 = now_s();
        for (int i = 0; i < n; i++)
            if (g_send(&main_worker)) return 1;
        wall = now_s() - t0;
        cpu = cpu_s() - c0;
    }
    printf("{\"lang\": \"c\", \"client\": \"%s\", \"scenario\": \"%s\", \"n\": %d, \"wall_s\": %.6f, "
           "\"cpu_s\": %.6f, \"rss_mb\": %.3f}\n",
           client, scenario, n, wall, cpu, rss_mb());
    if (sdk) autosend_client_free(sdk);
    if (main_worker.easy) curl_easy_cleanup(main_worker.easy);
    return 0;
}
