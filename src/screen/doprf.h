/* screen — private helpers of the distributed OPRF (src/screen/doprf*.c). */
#ifndef DACC_SCREEN_DOPRF_H
#define DACC_SCREEN_DOPRF_H

#include <stdint.h>

#define SCREEN_REQUEST_MAGIC  "DSQ1"
#define SCREEN_RESPONSE_MAGIC "DSR1"

/* The scalar 1: G = 1·G, and Finalize with blind 1 unblinds nothing. */
extern const uint8_t screen_one[32];

/* DACC_OK when p is a canonical ristretto255 encoding other than the
 * identity. dacc_anon_point_check leaves bit 255 to libsodium, whose
 * is_valid_point (1.0.18) ignores it; RFC 9496 §4.3.1 refuses any value
 * >= p, so a set top bit is refused here first. */
dacc_status screen_point_check(const uint8_t p[32], const char *what, dacc_error *err);

/* Big-endian I2OSP of 4 and 2 bytes. */
void screen_put32(uint8_t *p, uint32_t v);
void screen_put16(uint8_t *p, unsigned v);

#endif
