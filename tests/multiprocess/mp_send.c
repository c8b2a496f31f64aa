/* One sender process of the multi-process test (C). See README.md. */
#include <autosend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static long long now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int main(void) {
    int idx = atoi(getenv("MP_INDEX")), procs = atoi(getenv("MP_PROCS")), total = atoi(getenv("MP_TOTAL"));
    const char *tag = getenv("MP_TAG");
    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    autosend_error *err = NULL;
    if (autosend_client_options_new(&o) != AUTOSEND_RESULT_OK) return 2;
    autosend_client_options_fill_from_env(o); /* key, base URL, CA file, AUTOSEND_REDIS_URL */
    autosend_client_options_set_max_retries(o, (uint32_t)atoi(getenv("MP_MAX_RETRIES")));
    autosend_client_options_set_rate_windows(o, strtoull(getenv("MP_SECOND_MS"), NULL, 10),
                                             strtoull(getenv("MP_MINUTE_MS"), NULL, 10));
    if (autosend_client_new(o, &c, &err) != AUTOSEND_RESULT_OK) {
        autosend_str m = autosend_error_message(err);
        fprintf(stderr, "client: %.*s\n", (int)m.len, m.data);
        return 2;
    }
    autosend_client_options_free(o);
    int sent = 0, nfailed = 0;
    char failed[4096] = "";
    long long first = -1, last = 0;
    for (int n = idx; n < total; n += procs) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"from\":{\"email\":\"mp@mail.example.com\"},\"to\":{\"email\":\"mp-%s-%d@example.com\"},"
                 "\"subject\":\"multi-process %d\",\"html\":\"<p>shared budget</p>\"}",
                 tag, n, n);
        long long t = now_ms();
        autosend_response *r = NULL;
        autosend_error *e = NULL;
        autosend_result rc = autosend_client_call(c, (const uint8_t *)"emails.send", 11, (const uint8_t *)body,
                                                  strlen(body), &r, &e);
        if (rc == AUTOSEND_RESULT_OK) {
            sent++;
            autosend_response_free(r);
        } else {
            size_t l = strlen(failed);
            snprintf(failed + l, sizeof failed - l, "%s[%d,\"%s\"]", nfailed ? "," : "", n, autosend_result_name(rc));
            nfailed++;
            autosend_error_free(e);
        }
        if (first < 0) first = t;
        last = now_ms();
    }
    printf("{\"lang\":\"c\",\"index\":%d,\"sent\":%d,\"failed\":[%s],\"first_ms\":%lld,\"last_ms\":%lld}\n", idx, sent,
           failed, first, last);
    autosend_client_free(c);
    return nfailed ? 1 : 0;
}
