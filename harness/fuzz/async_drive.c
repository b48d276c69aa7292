/* async_drive.c -- runs fuzz_async's target (fuzz_async.c) on inputs made
 * from seeds instead of libFuzzer's mutations, for long runs that count
 * executions: no coverage instrumentation, one process per core.
 *
 *   build-fuzz/async_drive FIRST COUNT
 *   build-fuzz/async_drive --input SEED > input.bin   (then async_dump it)
 *
 * Input i (FIRST <= i < FIRST + COUNT) is 16..1024 bytes from a splitmix64
 * stream seeded with i; async_gen turns any bytes into a valid program and
 * a random-schedule seed, so input i is the same run on every machine.
 * Built with ASan+UBSan (make fuzz-drive): a sanitizer report, a crash or
 * a run longer than DRIVE_TIMEOUT seconds ends the process non-zero, after
 * printing the input's seed; LeakSanitizer checks at exit.  Every 10,000
 * runs a progress line goes to stderr. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_exec.h"

void __sanitizer_set_death_callback(void (*callback)(void));

enum { DRIVE_MAX = 1024, DRIVE_TIMEOUT = 20 };

static volatile sig_atomic_t current_valid;
static unsigned long long current;

static void say_seed(void) {
  if (current_valid)
    fprintf(stderr, "async_drive: input seed %llu\n", current);
}

static void on_alarm(int sig) {
  (void)sig;
  say_seed();
  static const char m[] = "async_drive: timeout\n";
  if (write(2, m, sizeof m - 1) < 0) _exit(4);
  _exit(4);
}

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static bool parse_u64(const char *s, unsigned long long *out) {
  char *end;
  if (!*s) return false;
  *out = strtoull(s, &end, 10);
  return *end == 0;
}

/* Input `seed`: its size, and its bytes in data[0..size). */
static size_t make_input(unsigned long long seed, uint8_t *data) {
  uint64_t s = seed;
  size_t size = 16 + (size_t)(splitmix64(&s) % (DRIVE_MAX - 16 + 1));
  for (size_t k = 0; k < size; k += 8) {
    uint64_t w = splitmix64(&s);
    memcpy(data + k, &w, size - k < 8 ? size - k : 8);
  }
  return size;
}

int main(int argc, char **argv) {
  unsigned long long first, count;
  uint8_t data[DRIVE_MAX];
  if (argc == 3 && !strcmp(argv[1], "--input") && parse_u64(argv[2], &first)) {
    size_t size = make_input(first, data);
    return fwrite(data, 1, size, stdout) == size ? 0 : 1;
  }
  if (argc != 3 || !parse_u64(argv[1], &first) || !parse_u64(argv[2], &count)) {
    fprintf(stderr,
            "usage: %s FIRST COUNT    run inputs FIRST..FIRST+COUNT-1\n"
            "       %s --input SEED   write input SEED's bytes to stdout\n",
            argv[0], argv[0]);
    return 2;
  }
  __sanitizer_set_death_callback(say_seed);
  signal(SIGALRM, on_alarm);
  for (unsigned long long i = first; i - first < count; i++) {
    size_t size = make_input(i, data);
    current = i;
    current_valid = 1;
    alarm(DRIVE_TIMEOUT);
    LLVMFuzzerTestOneInput(data, size);
    alarm(0);
    if ((i - first + 1) % 10000 == 0)
      fprintf(stderr, "async_drive: %llu runs (inputs %llu..%llu)\n",
              i - first + 1, first, i);
  }
  current_valid = 0;
  fprintf(stderr, "async_drive: done, %llu runs (inputs %llu..%llu)\n", count,
          first, first + count - 1);
  return 0;
}
