/* canon_sched.c -- unit tests of canon/sched.c (the policies, the choice
 * log, the checks of forced choices, --profile) and of the NaN choice of
 * load_store.c (maybe_scramble_nan32/64, CanonicalABI.md "Storing").
 * Expected values come from sched.h's contract and the spec's
 * random_nan_bits, written by hand. */
#include <math.h>

#include "canon/load_store.h"
#include "canon/sched.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

TEST(deterministic_takes_option_0) {
  canon_sched s;
  canon_choice_log log = {0};
  canon_sched_init(&s, CANON_SCHED_DETERMINISTIC, 0);
  s.log = &log;
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_TICK, 3), 0);
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_EVENT, 1), 0); /* no choice */
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_HOST_TICK, 2), 0);
  CHECK_INT(s.nchoices, 2);
  CHECK_INT(log.len, 2);
  CHECK_INT(log.kind[0], CANON_CHOICE_TICK);
  CHECK_INT(log.n[0], 3);
  CHECK_INT(log.kind[1], CANON_CHOICE_HOST_TICK);
  canon_choice_log_free(&log);
}

TEST(forced_and_its_checks) {
  canon_sched s;
  canon_choice_log log = {0};
  const uint32_t forced[] = {1, 7, 0, 1};
  canon_sched_init(&s, CANON_SCHED_DETERMINISTIC, 0);
  canon_sched_force(&s, forced, 4);
  s.log = &log;
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_SYNC_LOOP, 3), 1);
  /* out of range: option 0, and the check names position, kind, n */
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_WAIT_EARLY, 2), 0);
  char msg[300];
  CHECK(!canon_choice_log_check_forced(&log, forced, 4, NULL, msg, sizeof msg));
  CHECK_STR(msg, "choice 2 is 7, but the run's choice 2 (wait-early) has 2 "
                 "options (0 to 1)");
  canon_choice_log_free(&log);

  /* in range, but two left over */
  const uint32_t ok[] = {1, 0, 0};
  canon_sched_init(&s, CANON_SCHED_DETERMINISTIC, 0);
  canon_sched_force(&s, ok, 3);
  s.log = &log;
  canon_sched_choose(&s, CANON_CHOICE_EVENT, 2);
  CHECK(!canon_choice_log_check_forced(&log, ok, 3, NULL, msg, sizeof msg));
  CHECK_STR(msg, "3 choices given, but the run made only 1: choices 2 to 3 "
                 "were not used");
  CHECK(!canon_choice_log_check_forced(&log, ok, 2, NULL, msg, sizeof msg));
  CHECK_STR(msg, "2 choices given, but the run made only 1: choice 2 was "
                 "not used");
  CHECK(canon_choice_log_check_forced(&log, ok, 1, NULL, msg, sizeof msg));

  /* a replayed trace: kinds and numbers of options must match */
  canon_choice_log rec = {0};
  canon_sched r;
  canon_sched_init(&r, CANON_SCHED_DETERMINISTIC, 0);
  r.log = &rec;
  canon_sched_choose(&r, CANON_CHOICE_NAN, CANON_NAN_OPTIONS);
  CHECK(!canon_choice_log_check_forced(&log, ok, 1, &rec, msg, sizeof msg));
  CHECK_STR(msg, "choice 1 was recorded as nan among 5 options, but the "
                 "run's choice 1 is event among 2: the trace is not of this "
                 "script (or not of this cmref)");
  canon_choice_log_free(&rec);
  canon_choice_log_free(&log);
}

TEST(random_is_seeded) {
  canon_sched a, b;
  canon_sched_init(&a, CANON_SCHED_RANDOM, 42);
  canon_sched_init(&b, CANON_SCHED_RANDOM, 42);
  int nonzero = 0;
  for (int i = 0; i < 100; i++) {
    uint32_t x = canon_sched_choose(&a, CANON_CHOICE_TICK, 5);
    CHECK(x < 5);
    CHECK_INT(x, canon_sched_choose(&b, CANON_CHOICE_TICK, 5));
    nonzero += x != 0;
  }
  CHECK(nonzero > 0);
}

TEST(profile_fixes_its_three_kinds) {
  /* definitions.py tests DETERMINISTIC_PROFILE in wait_until,
   * maybe_scramble_nan32/64 and error-context.new only */
  for (int k = 0; k < CANON_NCHOICE_KINDS; k++)
    CHECK_INT(canon_choice_kind_in_profile((canon_choice_kind)k),
              k == CANON_CHOICE_WAIT_EARLY || k == CANON_CHOICE_NAN ||
                  k == CANON_CHOICE_ERROR_MESSAGE);
  canon_sched s;
  const uint32_t forced[] = {1, 1};
  canon_sched_init(&s, CANON_SCHED_DETERMINISTIC, 0);
  canon_sched_force(&s, forced, 2);
  s.profile = true;
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_WAIT_EARLY, 2), 0);
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_NAN, 5), 0);
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_ERROR_MESSAGE, 2), 0);
  CHECK_INT(s.nchoices, 0); /* not choices at all */
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_TICK, 2), 1);
  CHECK_INT(canon_sched_choose(&s, CANON_CHOICE_CANCEL_THREAD, 2), 1);
}

TEST(kind_names) {
  const char *names[] = {"tick",          "sync-loop", "wait-early",
                         "event",         "cancel-thread", "nan",
                         "error-message", "host-tick"};
  CHECK_INT(sizeof names / sizeof names[0], CANON_NCHOICE_KINDS);
  for (int k = 0; k < CANON_NCHOICE_KINDS; k++) {
    CHECK_STR(canon_choice_kind_name((canon_choice_kind)k), names[k]);
    CHECK_INT(canon_choice_kind_named(names[k], strlen(names[k])), k);
  }
  CHECK_INT(canon_choice_kind_named("nope", 4), CANON_NCHOICE_KINDS);
}

/* random_nan_bits(bits, exp_bits) can return v: exponent all ones and a
 * fraction bit below the quiet bit set (so never the canonical NaN). */
static int random_nan(uint64_t v, int bits, int exp_bits) {
  int frac = bits - 1 - exp_bits;
  uint64_t exp_ones = (1ull << exp_bits) - 1;
  return ((v >> frac) & exp_ones) == exp_ones &&
         (v & ((1ull << (frac - 1)) - 1)) != 0;
}

/* Four NaNs of `bits` bits encoded with options 1..4 forced: each one
 * random_nan_bits can give, and both signs and both quiet-bit states
 * among them. */
static void random_nans(unit_ctx *u, canon_guest *g, int bits, int exp_bits) {
  int frac = bits - 1 - exp_bits;
  uint32_t signs = 0, quiet = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t v = bits == 32 ? canon_encode_float_as_i32(&g->cx, NAN)
                            : canon_encode_float_as_i64(&g->cx, NAN);
    CHECK(random_nan(v, bits, exp_bits));
    signs |= 1u << (v >> (bits - 1));
    quiet |= 1u << ((v >> (frac - 1)) & 1);
  }
  CHECK_INT(signs, 3);
  CHECK_INT(quiet, 3);
}

TEST(nan_choice) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 64);
  /* default: the canonical NaN */
  CHECK_INT(canon_encode_float_as_i32(&g.cx, NAN), 0x7fc00000);
  CHECK_INT(canon_encode_float_as_i64(&g.cx, NAN), 0x7ff8000000000000);
  CHECK_INT(g.store.sched.nchoices, 2);
  /* not a NaN: the bits unchanged, no choice */
  CHECK_INT(canon_encode_float_as_i32(&g.cx, -0.0f), 0x80000000);
  CHECK_INT(g.store.sched.nchoices, 2);
  /* options 1..4: NaNs random_nan_bits can give, of both signs and both
   * quiet-bit states */
  const uint32_t forced[] = {1, 2, 3, 4, 1, 2, 3, 4};
  canon_sched_force(&g.store.sched, forced, 8);
  g.store.sched.nchoices = 0;
  random_nans(u, &g, 32, 8);
  random_nans(u, &g, 64, 11);
  guest_free(&g);
}

int main(void) {
  UNIT_BEGIN;
  RUN(deterministic_takes_option_0);
  RUN(forced_and_its_checks);
  RUN(random_is_seeded);
  RUN(profile_fixes_its_three_kinds);
  RUN(kind_names);
  RUN(nan_choice);
  return UNIT_END;
}
