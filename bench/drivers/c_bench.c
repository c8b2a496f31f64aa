/* Benchmark driver (C): one client, one scenario, one JSON line on stdout.
 *   c_bench CLIENT SCENARIO URL CA KEY N [WARMUP]
 * CLIENT: sdk (libautosend) | curl (raw libcurl, one reused easy handle).
 * SCENARIO: seq (N sequential sends) | startup (one send). Built by bench/run.sh. */
#include <autosend.h>
#include <curl/curl.h>
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
static CURL *easy;
static struct buf body;

static int send_sdk(void) {
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

static int send_curl(void) {
    body.len = 0;
    CURLcode rc = curl_easy_perform(easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "curl: %s (HTTP %ld)\n", curl_easy_strerror(rc), status);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 7) return 2;
    const char *client = argv[1], *scenario = argv[2], *url = argv[3], *ca = argv[4], *key = argv[5];
    int n = atoi(argv[6]), warmup = argc > 7 ? atoi(argv[7]) : 0;
    int (*send)(void);
    if (strcmp(client, "sdk") == 0) {
        autosend_client_options *o = NULL;
        autosend_client_options_new(&o);
        autosend_client_options_set_api_key(o, S(key));
        autosend_client_options_set_base_url(o, S(url));
        autosend_client_options_set_ca_file(o, S(ca));
        autosend_client_options_set_max_retries(o, 0);
        autosend_client_options_set_rate_limits(o, 100000, 1000000);
        if (autosend_client_new(o, &sdk, NULL) != AUTOSEND_RESULT_OK) return 1;
        autosend_client_options_free(o);
        send = send_sdk;
    } else {
        static char endpoint[1024], auth[512];
        snprintf(endpoint, sizeof endpoint, "%s/mails/send", url);
        snprintf(auth, sizeof auth, "authorization: Bearer %s", key);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        easy = curl_easy_init();
        struct curl_slist *h = curl_slist_append(NULL, auth);
        h = curl_slist_append(h, "content-type: application/json");
        curl_easy_setopt(easy, CURLOPT_URL, endpoint);
        curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, MAIL);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
        send = send_curl;
    }
    if (strcmp(scenario, "startup") == 0) n = n < 1 ? 1 : n;
    for (int i = 0; i < warmup; i++)
        if (send()) return 1;
    double c0 = cpu_s(), t0 = now_s();
    for (int i = 0; i < n; i++)
        if (send()) return 1;
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    printf("{\"lang\": \"c\", \"client\": \"%s\", \"scenario\": \"%s\", \"n\": %d, \"wall_s\": %.6f, "
           "\"cpu_s\": %.6f, \"rss_mb\": %.3f}\n",
           client, scenario, n, wall, cpu, rss_mb());
    if (sdk) autosend_client_free(sdk);
    if (easy) curl_easy_cleanup(easy);
    return 0;
}
