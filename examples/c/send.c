/* Blocking send: reads AUTOSEND_API_KEY, AUTOSEND_BASE_URL and AUTOSEND_CA_FILE, sends one mail
 * and prints the result (or every error detail).
 *   cc send.c $(pkg-config --cflags --libs autosend) -o send && ./send [to@example.com] */
#include <autosend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *to = argc > 1 ? argv[1] : "ada@example.com";
    autosend_client_options *options = NULL;
    autosend_client *client = NULL;
    autosend_error *error = NULL;
    autosend_response *response = NULL;
    int rc = 1;

    if (autosend_client_options_new(&options) != AUTOSEND_RESULT_OK) return 1;
    autosend_client_options_fill_from_env(options); /* key, base URL, CA file */
    autosend_client_options_set_timeout_ms(options, 10000);
    autosend_client_options_set_max_retries(options, 2);
    if (autosend_client_new(options, &client, &error) != AUTOSEND_RESULT_OK) goto fail;

    char mail[1024];
    snprintf(mail, sizeof mail,
             "{\"from\":{\"email\":\"hello@mail.example.com\",\"name\":\"libautosend\"},"
             "\"to\":{\"email\":\"%s\"},\"subject\":\"Sent from C\","
             "\"html\":\"<p>Hello from <b>libautosend</b></p>\",\"text\":\"Hello from libautosend\"}",
             to);
    if (autosend_client_send_email(client, (const uint8_t *)mail, strlen(mail), &response,
                                   &error) != AUTOSEND_RESULT_OK)
        goto fail;
    printf("send: HTTP %u after %u attempt(s), request id '%s': %s\n",
           autosend_response_status(response), autosend_response_attempts(response),
           autosend_response_request_id(response).data, autosend_response_json(response).data);
    rc = 0;
    goto done;
fail:
    fprintf(stderr,
            "send: failed: %s (code %u)\n  message: %s\n  hint: %s\n  status: %u  api code: %s\n"
            "  retry after: %llu ms  may have been delivered: %s\n",
            autosend_error_kind(error).data, autosend_error_code(error),
            autosend_error_message(error).data, autosend_error_hint(error).data,
            autosend_error_status(error), autosend_error_api_code(error).data,
            (unsigned long long)autosend_error_retry_after_ms(error),
            autosend_error_may_have_been_delivered(error) ? "yes" : "no");
done:
    autosend_response_free(response);
    autosend_error_free(error);
    autosend_client_free(client);
    autosend_client_options_free(options);
    return rc;
}
