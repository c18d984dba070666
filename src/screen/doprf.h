/* screen — private helpers of the distributed OPRF (src/screen/doprf*.c). */
#ifndef DACC_SCREEN_DOPRF_H
#define DACC_SCREEN_DOPRF_H

#include <stdint.h>

#define SCREEN_REQUEST_MAGIC  "DSQ1"
#define SCREEN_RESPONSE_MAGIC "DSR1"

/* The scalar 1: G = 1·G, and Finalize with blind 1 unblinds nothing. */
extern const uint8_t screen_one[32];

/* Big-endian I2OSP of 4 and 2 bytes. */
void screen_put32(uint8_t *p, uint32_t v);
void screen_put16(uint8_t *p, unsigned v);

#endif
