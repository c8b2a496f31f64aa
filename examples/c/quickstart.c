/* Quickstart: send one mail with libautosend.
 *   cc quickstart.c $(pkg-config --cflags --libs autosend) -o quickstart
 *   AUTOSEND_API_KEY=AS_... ./quickstart
 * (AUTOSEND_BASE_URL and AUTOSEND_CA_FILE point it at a local sandbox.) */
#include <autosend.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    autosend_client *client = NULL;
    autosend_error *error = NULL;
    if (autosend_client_new_from_env(&client, &error) != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "client: %s\n", autosend_error_message(error).data);
        autosend_error_free(error);
        return 1;
    }
    const char *mail = "{\"from\":{\"email\":\"hello@mail.example.com\"},"
                       "\"to\":{\"email\":\"ada@example.com\"},"
                       "\"subject\":\"Hello from C\",\"html\":\"<p>Hi Ada</p>\"}";
    autosend_response *response = NULL;
    autosend_result r = autosend_client_send_email(client, (const uint8_t *)mail, strlen(mail),
                                                   &response, &error);
    if (r == AUTOSEND_RESULT_OK) {
        printf("quickstart: sent %s\n", autosend_response_json(response).data);
    } else {
        fprintf(stderr, "quickstart: %s (%u, HTTP %u): %s\n", autosend_error_kind(error).data, r,
                autosend_error_status(error), autosend_error_message(error).data);
    }
    autosend_response_free(response);
    autosend_error_free(error);
    autosend_client_free(client);
    return r == AUTOSEND_RESULT_OK ? 0 : 1;
}
