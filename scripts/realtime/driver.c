/* Driver of scripts/realtime-limits.sh (C): n sequential sends through one client at the API's
 * limits; a 429 is counted and the send repeated. Prints one JSON line.
 * driver URL CA_FILE KEY N */
#include <autosend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S(x) (x), strlen(x)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) return 2;
    const char *url = argv[1], *ca = argv[2], *key = argv[3];
    int n = atoi(argv[4]);
    autosend_client_options *o = NULL;
    autosend_client *c = NULL;
    autosend_client_options_new(&o);
    autosend_client_options_set_api_key(o, S(key));
    autosend_client_options_set_base_url(o, S(url));
    autosend_client_options_set_ca_file(o, S(ca));
    autosend_client_options_set_max_retries(o, 0);
    if (autosend_client_new(o, &c, NULL) != AUTOSEND_RESULT_OK) return 1;
    autosend_client_options_free(o);
    static const char *MAIL = "{\"from\":{\"email\":\"hello@mail.example.com\"},\"to\":{\"email\":"
                              "\"a@example.com\"},\"subject\":\"m\",\"html\":\"<p>hi</p>\"}";
    int ok = 0, refused = 0;
    double t0 = now_s();
    while (ok < n) {
        autosend_response *resp = NULL;
        autosend_error *err = NULL;
        autosend_result r = autosend_client_send_email(c, S(MAIL), &resp, &err);
        if (r == AUTOSEND_RESULT_OK) ok++;
        else if (autosend_error_status(err) == 429) refused++;
        else {
            fprintf(stderr, "send failed: %s\n", autosend_error_json(err).data);
            return 1;
        }
        autosend_response_free(resp);
        autosend_error_free(err);
    }
    printf("{\"lang\": \"c\", \"accepted\": %d, \"r429\": %d, \"makespan_s\": %.3f}\n", ok, refused,
           now_s() - t0);
    autosend_client_free(c);
    return 0;
}
