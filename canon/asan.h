/* asan.h -- CANON_ASAN is defined when the build runs under
 * AddressSanitizer (GCC's __SANITIZE_ADDRESS__, clang's __has_feature),
 * for the few places that tell it what they do with memory: the fiber
 * switch (stacks), the arena (red zones) and the state digest (each
 * pointer it labels is read, see state_hash.c). */
#ifndef CANON_ASAN_H
#define CANON_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define CANON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CANON_ASAN 1
#endif
#endif

#ifdef CANON_ASAN
#include <sanitizer/asan_interface.h>
#endif

#endif
