/* sha256.h - SHA-256 (FIPS 180-4), incremental.
 *
 *   Sha256 c; sha256_init(&c); sha256_update(&c, data, n) ...; sha256_final(&c, digest);
 */
#ifndef MISSION_SHA256_H
#define MISSION_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct Sha256 {
  uint32_t h[8];
  uint8_t block[64];
  size_t fill;
  uint64_t total;
} Sha256;

void sha256_init(Sha256 *c);
void sha256_update(Sha256 *c, const void *data, size_t n);
/* The digest of everything added; c must be initialised again before reuse. */
void sha256_final(Sha256 *c, uint8_t out[32]);
/* Adds a NUL-terminated string with its NUL, as a separator between fields. */
void sha256_string(Sha256 *c, const char *s);
/* The digest in lowercase hexadecimal (64 digits and a NUL). */
void sha256_hex(const uint8_t digest[32], char hex[65]);

#endif
