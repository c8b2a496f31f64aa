/* Chunked bulk writes and auto-pagination with libautosend.
 *   cc paging.c $(pkg-config --cflags --libs autosend) -o paging
 *   AUTOSEND_API_KEY=AS_... ./paging
 * (AUTOSEND_BASE_URL and AUTOSEND_CA_FILE point it at a local sandbox.)
 *
 * autosend_bulk_all splits a list of any length into the chunks the API accepts (one call per
 * chunk) and reports what became of every item; autosend_pager_next fetches a list one page at
 * a time until AUTOSEND_RESULT_DONE. */
#include <autosend.h>
#include <stdio.h>
#include <string.h>

#define S(lit) (const uint8_t *)(lit), strlen(lit)

static void on_progress(void *user_data, const autosend_progress *p) {
    (void)user_data;
    printf("paging: chunk %zu/%zu done (%zu/%zu contacts)\n", p->chunks_done, p->chunks_total,
           p->items_done, p->items_total);
}

int main(void) {
    autosend_client *client = NULL;
    autosend_error *error = NULL;
    if (autosend_client_new_from_env(&client, &error) != AUTOSEND_RESULT_OK) {
        fprintf(stderr, "client: %s\n", autosend_error_message(error).data);
        autosend_error_free(error);
        return 1;
    }
    int ok = 1;

    /* 1. Create (or update) contacts in bulk: any number, split by the library. */
    const char *contacts = "{\"contacts\":[{\"email\":\"ada@example.com\",\"firstName\":\"Ada\"},"
                           "{\"email\":\"alan@example.com\",\"firstName\":\"Alan\"},"
                           "{\"email\":\"grace@example.com\",\"firstName\":\"Grace\"}]}";
    autosend_report *report = NULL;
    autosend_result r = autosend_bulk_all(client, S(AUTOSEND_EP_CONTACTS_BULK_UPDATE), S(contacts),
                                          on_progress, NULL, &report, &error);
    if (r != AUTOSEND_RESULT_OK) {
        /* A usage error: nothing was sent. */
        fprintf(stderr, "paging: bulk_all: %s\n", autosend_error_message(error).data);
        ok = 0;
    } else {
        printf("paging: %zu accepted, %zu refused, %zu may have been delivered, %zu not attempted\n",
               autosend_report_count(report, AUTOSEND_ITEM_ACCEPTED),
               autosend_report_count(report, AUTOSEND_ITEM_REFUSED),
               autosend_report_count(report, AUTOSEND_ITEM_MAY_HAVE_BEEN_DELIVERED),
               autosend_report_count(report, AUTOSEND_ITEM_NOT_ATTEMPTED));
        ok = autosend_report_all_accepted(report);
    }
    autosend_report_free(report);
    autosend_error_free(error);
    error = NULL;

    /* 2. List every contact, two per page. */
    autosend_pager *pager = NULL;
    r = autosend_pager_new(client, S(AUTOSEND_EP_CONTACT_LISTS_SEARCH_CONTACTS),
                           S("{\"contactListId\":\"GLOBAL_CONTACT_LIST\",\"limit\":2}"), &pager, &error);
    for (int guard = 0; r == AUTOSEND_RESULT_OK && guard < 1000; guard++) {
        autosend_page *page = NULL;
        r = autosend_pager_next(pager, &page, &error);
        if (r == AUTOSEND_RESULT_OK) {
            printf("paging: page %llu: %zu contacts%s\n", (unsigned long long)autosend_page_number(page),
                   autosend_page_item_count(page), autosend_page_has_more(page) ? ", more to come" : "");
        }
        autosend_page_free(page);
    }
    if (r != AUTOSEND_RESULT_DONE) {
        /* The page request failed: resume later at autosend_pager_page(pager). */
        fprintf(stderr, "paging: stopped at page %llu: %s\n", (unsigned long long)autosend_pager_page(pager),
                autosend_error_message(error).data);
        ok = 0;
    }
    autosend_pager_free(pager);
    autosend_error_free(error);
    autosend_client_free(client);
    return ok ? 0 : 1;
}
