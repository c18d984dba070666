/* Firmware's side of the soft pause, linked with libdacc-pause and
 * libsodium alone: a device refuses a root note that is not one. */
#include <stdio.h>
#include <string.h>

#include "dacc/pause.h"

int main(void)
{
    static dacc_pause_state state;
    const char junk[] = "not a root note\n";
    dacc_pause_reason r = dacc_pause_init(&state, junk, strlen(junk), 0);
    printf("%s %s\n", dacc_pause_reason_name(r),
           dacc_pause_check(&state, 0) == DACC_PAUSE_HALT ? "halt" : "run");
    return r == DACC_PAUSE_ACCEPTED;
}
