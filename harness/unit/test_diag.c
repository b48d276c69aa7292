/* test_diag.c -- unit tests of interp/util/diag.c: the error record every
 * front end and the runner share.  Expectations come from diag.h's contract
 * (first error wins, the three position formats, kind names). */
#include "harness/unit/unit.h"
#include "interp/util/diag.h"

TEST(init_is_empty) {
  cm_error e;
  memset(&e, 0x5a, sizeof e); /* garbage, as on an uninitialised stack */
  cm_error_init(&e);
  CHECK_INT(e.kind, CM_OK);
  CHECK_STR(e.msg, "");
  CHECK(e.file == NULL);
  CHECK_INT(e.line, 0);
  CHECK_INT(e.col, 0);
  CHECK_INT(e.offset, -1); /* 0 is a real offset, so "unknown" is -1 */
}

TEST(first_error_wins) {
  cm_error e;
  cm_error_init(&e);
  cm_error_set(&e, CM_INVALID, "type mismatch in %s", "i32.add");
  cm_error_set(&e, CM_MALFORMED, "unexpected end");
  cm_error_at(&e, CM_LINK, "x.wat", 1, 2, "unknown import");
  cm_error_at_offset(&e, CM_MALFORMED, 9, "magic header not detected");
  CHECK_INT(e.kind, CM_INVALID);
  CHECK_STR(e.msg, "type mismatch in i32.add");
  CHECK(e.file == NULL); /* the later calls must not touch the position */
  CHECK_INT(e.line, 0);
  CHECK_INT(e.offset, -1);
}

TEST(null_error_is_ignored) {
  /* Callers that do not care about the details pass NULL. */
  cm_error_set(NULL, CM_IO, "x");
  cm_error_at(NULL, CM_IO, "f", 1, 1, "x");
  cm_error_at_offset(NULL, CM_IO, 1, "x");
  CHECK(1);
}

TEST(format_text_position) {
  cm_error e;
  char buf[256];
  cm_error_init(&e);
  cm_error_at(&e, CM_MALFORMED, "demo.wat", 3, 17, "unknown operator %s",
              "i32.addd");
  CHECK_INT(e.kind, CM_MALFORMED);
  CHECK_INT(e.line, 3);
  CHECK_INT(e.col, 17);
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "demo.wat:3:17: unknown operator i32.addd");

  /* A position without a file name: no leading colon. */
  e.file = NULL;
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "3:17: unknown operator i32.addd");
}

TEST(format_binary_offset) {
  cm_error e;
  char buf[256];
  cm_error_init(&e);
  cm_error_at_offset(&e, CM_MALFORMED, 0, "magic header not detected");
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "at byte offset 0: magic header not detected");
  e.file = "m.wasm";
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "m.wasm: at byte offset 0: magic header not detected");
  CHECK_INT(e.line, 0);
}

TEST(format_no_position) {
  cm_error e;
  char buf[256];
  cm_error_init(&e);
  cm_error_set(&e, CM_UNSUPPORTED, "unsupported feature: %s", "simd");
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "unsupported feature: simd");
  e.file = "a.wast";
  cm_error_format(&e, buf, sizeof buf);
  CHECK_STR(buf, "a.wast: unsupported feature: simd");
}

TEST(long_messages_are_truncated) {
  cm_error e;
  char big[1000], buf[8];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  cm_error_init(&e);
  cm_error_set(&e, CM_IO, "%s", big);
  CHECK_INT(strlen(e.msg), sizeof e.msg - 1);
  /* cm_error_format never writes past n and always terminates. */
  memset(buf, '#', sizeof buf);
  cm_error_format(&e, buf, 4);
  CHECK_STR(buf, "xxx");
  CHECK_INT(buf[4], '#');
}

TEST(kind_names) {
  /* The runner prints these; "unlinkable" matches assert_unlinkable. */
  static const unit_name kinds[] = {
      {CM_OK, "ok"},           {CM_MALFORMED, "malformed"},
      {CM_INVALID, "invalid"}, {CM_UNSUPPORTED, "unsupported"},
      {CM_LINK, "unlinkable"}, {CM_IO, "error"}};
  CHECK_NAMES(cm_errkind_name, kinds);
}

int main(void) {
  UNIT_BEGIN;
  RUN(init_is_empty);
  RUN(first_error_wins);
  RUN(null_error_is_ignored);
  RUN(format_text_position);
  RUN(format_binary_offset);
  RUN(format_no_position);
  RUN(long_messages_are_truncated);
  RUN(kind_names);
  return UNIT_END;
}
