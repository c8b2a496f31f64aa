/* Plain C89 consumer of the installed library: the header's version macros must match the
 * library it links (autosend_version()), and a key is parsed through the library. */
#include <stdio.h>
#include <string.h>
#include <autosend.h>

int main(void) {
    const char *v = autosend_version();
#if AUTOSEND_VERSION_NUMBER < 100
#error "AUTOSEND_VERSION_NUMBER is missing or too small"
#endif
    if (strcmp(v, AUTOSEND_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", AUTOSEND_VERSION_STRING, v);
        return 1;
    }
    printf("libautosend %s (header %d.%d.%d)\n", v, AUTOSEND_VERSION_MAJOR, AUTOSEND_VERSION_MINOR,
           AUTOSEND_VERSION_PATCH);
    return 0;
}
