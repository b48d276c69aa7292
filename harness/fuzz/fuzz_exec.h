/* fuzz_exec.h -- shared by the fuzz harnesses: the limits every fuzzed
 * guest runs under, "instantiate a validated module against made-up
 * imports and call each exported function", so the executor sees whatever
 * the decoder and the text parser let through, and the encode-decode
 * round trip of modules and components. */
#ifndef FUZZ_EXEC_H
#define FUZZ_EXEC_H

#include "interp/component/component.h"
#include "interp/core/exec.h"
#include "interp/core/module.h"

/* libFuzzer's entry point, which each fuzz_*.c harness defines (and
 * async_drive calls). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits: a fuzz input must finish in milliseconds and fit well
 * under libFuzzer's RSS limit, even with bulk memory ops at full size. */
core_config fuzz_config(void);

/* Instantiates m (already validated) in a fresh store, imports being host
 * functions that return zeros and fresh tables, memories, globals and tags
 * of the imported types, then calls every exported function with zero
 * arguments.  Traps, exhaustion and link errors are expected outcomes. */
void fuzz_run_module(const core_module *m);

/* Encodes m, decodes the bytes and checks that the result equals m and
 * validates again; abort()s (a finding) when it does not. */
void fuzz_roundtrip(const core_module *m);

/* The same for a component c: the re-decoded component must equal c. */
void fuzz_roundtrip_component(const comp_component *c);

/* A private NUL-terminated copy of the input (the CLI reads files that
 * way too); NULL without memory. */
char *fuzz_nul_copy(const uint8_t *data, size_t size);

#endif
