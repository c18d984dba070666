/* Fuzz target: the device state file of `dacc pause device`. What parses
 * must format and parse back to the same state and root note, and the
 * verifier must take the parsed state without harm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dacc_pause_state_file f, again;
    if (dacc_pause_state_file_parse("fuzz", (const char *)data, size, &f, NULL) != DACC_OK)
        return 0;
    char *text;
    size_t len;
    if (dacc_pause_state_file_format(&f, &text, &len, NULL) != DACC_OK)
        __builtin_trap(); /* a parsed state must be writable */
    if (dacc_pause_state_file_parse("again", text, len, &again, NULL) != DACC_OK ||
        memcmp(&f.state, &again.state, sizeof f.state) != 0 || f.root_len != again.root_len ||
        memcmp(f.root_note, again.root_note, f.root_len) != 0)
        __builtin_trap(); /* the round trip changed the state */
    free(text);
    if (dacc_pause_check(&f.state, f.state.root.expires + 1) == DACC_PAUSE_RUN)
        __builtin_trap(); /* no state may run past its root's expiry */
    dacc_pause_state st = f.state;
    dacc_pause_reason r = dacc_pause_verify(&st, f.root_note, f.root_len, 0);
    if (r == DACC_PAUSE_ACCEPTED || memcmp(&st, &f.state, sizeof st) != 0)
        __builtin_trap(); /* a root note is no bundle */
    return 0;
}
