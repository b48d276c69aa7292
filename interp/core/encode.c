/* encode.c -- core_module -> .wasm bytes (see encode.h).  Sections are
 * written in the spec's order; each one (and each function body) is built
 * in a scratch buffer first, since its size precedes it. */
#include "encode.h"

#include <stdlib.h>
#include <string.h>

#include "../util/leb.h"

/* The encoder's byte buffer; out of memory ends the run (canon/buf.h). */
typedef canon_buf wbuf;

static void put_le(wbuf *w, uint64_t v, unsigned nbytes) {
  for (unsigned i = 0; i < nbytes; i++)
    canon_buf_byte(w, (uint8_t)(v >> (8 * i)));
}

static void put_name(wbuf *w, const core_name *n) {
  leb_put_u(w, n->len);
  canon_buf_add(w, n->s, n->len);
}

/* Appends `content` to w as a sized entry (section or function body) and
 * frees it. */
static void put_sized(wbuf *w, wbuf *content) {
  leb_put_u(w, content->n);
  canon_buf_add(w, content->p, content->n);
  free(content->p);
  memset(content, 0, sizeof *content);
}

static void put_section(wbuf *w, uint8_t id, wbuf *content) {
  canon_buf_byte(w, id);
  put_sized(w, content);
}

static void put_limits(wbuf *w, const core_limits *l) {
  canon_buf_byte(w, (uint8_t)((l->has_max ? 1 : 0) | (l->shared ? 2 : 0) |
                        (l->is64 ? 4 : 0)));
  leb_put_u(w, l->min);
  if (l->has_max) leb_put_u(w, l->max);
}

static void put_tabletype(wbuf *w, const core_tabletype *t) {
  canon_buf_byte(w, (uint8_t)t->elem);
  put_limits(w, &t->limits);
}

static void put_globaltype(wbuf *w, const core_globaltype *g) {
  canon_buf_byte(w, (uint8_t)g->type);
  canon_buf_byte(w, g->mut ? 1 : 0);
}

bool core_encode_importdesc(canon_buf *w, const core_import *im) {
  canon_buf_byte(w, (uint8_t)im->kind);
  switch (im->kind) {
  case CORE_EXTERN_FUNC: leb_put_u(w, im->desc.func); return true;
  case CORE_EXTERN_TABLE: put_tabletype(w, &im->desc.table); return true;
  case CORE_EXTERN_MEMORY: put_limits(w, &im->desc.memory.limits); return true;
  case CORE_EXTERN_GLOBAL: put_globaltype(w, &im->desc.global); return true;
  case CORE_EXTERN_TAG:
    canon_buf_byte(w, 0);
    leb_put_u(w, im->desc.tag);
    return true;
  }
  return false;
}

static void put_blocktype(wbuf *w, const core_instr *in) {
  if (in->bt_kind == CORE_BT_EMPTY) canon_buf_byte(w, 0x40);
  else if (in->bt_kind == CORE_BT_VAL) canon_buf_byte(w, (uint8_t)in->imm);
  else leb_put_s(w, (int64_t)(uint32_t)in->imm); /* s33: a non-negative index */
}

static bool put_instr(wbuf *w, const core_expr *e, const core_instr *in,
                      cm_error *err) {
  const core_opinfo *oi = &core_opinfo_table[in->op];
  if (oi->prefix) {
    canon_buf_byte(w, oi->prefix);
    leb_put_u(w, oi->code);
  } else {
    canon_buf_byte(w, (uint8_t)oi->code);
  }
  switch (oi->imm) {
  case CORE_IMM_NONE:
    break;
  case CORE_IMM_BLOCK:
    put_blocktype(w, in);
    break;
  case CORE_IMM_LABEL: case CORE_IMM_FUNC: case CORE_IMM_LOCAL:
  case CORE_IMM_GLOBAL: case CORE_IMM_TABLE: case CORE_IMM_ELEM:
  case CORE_IMM_DATA: case CORE_IMM_TAG: case CORE_IMM_MEM:
    leb_put_u(w, in->idx);
    break;
  case CORE_IMM_BR_TABLE:
    /* idx2 labels, the default last. */
    if (in->idx2 == 0 || (uint64_t)in->idx + in->idx2 > e->nlabels) {
      cm_error_set(err, CM_INVALID, "br_table without a default label");
      return false;
    }
    leb_put_u(w, in->idx2 - 1);
    for (uint32_t i = 0; i < in->idx2; i++)
      leb_put_u(w, e->labels[in->idx + i].depth);
    break;
  case CORE_IMM_CALL_INDIRECT: case CORE_IMM_TABLE_COPY:
  case CORE_IMM_TABLE_INIT: case CORE_IMM_MEM_INIT: case CORE_IMM_MEM_COPY:
    leb_put_u(w, in->idx);
    leb_put_u(w, in->idx2);
    break;
  case CORE_IMM_MEMARG:
    /* Bit 6 of the flags: a memory index follows (multi-memory). */
    leb_put_u(w, (uint64_t)in->align | (in->idx ? 0x40 : 0));
    if (in->idx) leb_put_u(w, in->idx);
    leb_put_u(w, in->imm);
    break;
  case CORE_IMM_I32:
    leb_put_s(w, (int32_t)(uint32_t)in->imm);
    break;
  case CORE_IMM_I64:
    leb_put_s(w, (int64_t)in->imm);
    break;
  case CORE_IMM_F32:
    put_le(w, in->imm, 4);
    break;
  case CORE_IMM_F64:
    put_le(w, in->imm, 8);
    break;
  case CORE_IMM_SELECT_T:
    /* The module keeps one type: a count other than 1 (invalid anyway)
     * repeats it. */
    leb_put_u(w, in->idx);
    for (uint32_t i = 0; i < in->idx; i++) canon_buf_byte(w, (uint8_t)in->imm);
    break;
  case CORE_IMM_REFNULL:
    canon_buf_byte(w, (uint8_t)in->imm);
    break;
  case CORE_IMM_TRY_TABLE:
    put_blocktype(w, in);
    if ((uint64_t)in->idx + in->idx2 > e->nlabels) {
      cm_error_set(err, CM_INVALID, "try_table catch clauses out of range");
      return false;
    }
    leb_put_u(w, in->idx2);
    for (uint32_t i = 0; i < in->idx2; i++) {
      const core_label *l = &e->labels[in->idx + i];
      canon_buf_byte(w, l->catch_kind);
      if (l->catch_kind == CORE_CATCH || l->catch_kind == CORE_CATCH_REF)
        leb_put_u(w, l->tag);
      leb_put_u(w, l->depth);
    }
    break;
  }
  return true;
}

static bool put_expr(wbuf *w, const core_expr *e, cm_error *err) {
  for (uint32_t i = 0; i < e->ninstrs; i++)
    if (!put_instr(w, e, &e->instrs[i], err)) return false;
  return true;
}

/* Locals as (count, type) runs of equal types. */
static void put_locals(wbuf *w, const core_func *f) {
  uint32_t groups = 0;
  for (uint32_t i = 0; i < f->nlocals; i++)
    if (i == 0 || f->locals[i] != f->locals[i - 1]) groups++;
  leb_put_u(w, groups);
  for (uint32_t i = 0; i < f->nlocals;) {
    uint32_t j = i;
    while (j < f->nlocals && f->locals[j] == f->locals[i]) j++;
    leb_put_u(w, j - i);
    canon_buf_byte(w, (uint8_t)f->locals[i]);
    i = j;
  }
}


/* A segment item that is `ref.func x; end`, the bare-index form. */
static bool is_ref_func(const core_expr *e) {
  return e->ninstrs == 2 && e->instrs[0].op == CORE_OP_REF_FUNC &&
         e->instrs[1].op == CORE_OP_END;
}

static bool elem_item(wbuf *w, const void *item, cm_error *err) {
  const core_elem *el = item;
  bool indices = el->type == CORE_FUNCREF;
  for (uint32_t i = 0; i < el->nitems && indices; i++)
    indices = is_ref_func(&el->items[i]);
  /* flags: bit 0 passive/declarative, bit 1 explicit table or declarative,
   * bit 2 expressions. */
  uint32_t flags = indices ? 0 : 4;
  bool explicit_type = true;
  if (el->mode == CORE_SEG_PASSIVE) flags |= 1;
  else if (el->mode == CORE_SEG_DECLARATIVE) flags |= 3;
  else if (el->table != 0 || el->type != CORE_FUNCREF) flags |= 2;
  else explicit_type = false;
  leb_put_u(w, flags);
  if (el->mode == CORE_SEG_ACTIVE) {
    if (flags & 2) leb_put_u(w, el->table);
    if (!put_expr(w, &el->offset, err)) return false;
  }
  if (explicit_type) canon_buf_byte(w, indices ? 0x00 : (uint8_t)el->type);
  leb_put_u(w, el->nitems);
  for (uint32_t i = 0; i < el->nitems; i++) {
    if (indices) leb_put_u(w, el->items[i].instrs[0].idx);
    else if (!put_expr(w, &el->items[i], err)) return false;
  }
  return true;
}

static bool data_item(wbuf *w, const void *item, cm_error *err) {
  const core_data *d = item;
  if (d->mode == CORE_SEG_PASSIVE) {
    leb_put_u(w, 1);
  } else if (d->memory == 0) {
    leb_put_u(w, 0);
    if (!put_expr(w, &d->offset, err)) return false;
  } else {
    leb_put_u(w, 2);
    leb_put_u(w, d->memory);
    if (!put_expr(w, &d->offset, err)) return false;
  }
  leb_put_u(w, d->len);
  canon_buf_add(w, d->bytes, d->len);
  return true;
}

/* ---- sections ---------------------------------------------------------- */

/* Most sections are a vec of items, each written by an item_writer. */
typedef bool item_writer(wbuf *w, const void *item, cm_error *err);

/* A vec section: the count, then each item; nothing for an empty vec. */
static bool put_vec(wbuf *w, uint8_t id, const void *items, uint32_t n,
                    size_t size, item_writer *item, cm_error *err) {
  if (!n) return true;
  wbuf s = {0};
  leb_put_u(&s, n);
  for (uint32_t i = 0; i < n; i++) {
    if (!item(&s, (const char *)items + (size_t)i * size, err)) {
      free(s.p);
      return false;
    }
  }
  put_section(w, id, &s);
  return true;
}

/* A section that is one u32 (start, data count), if present. */
static bool put_u32_section(wbuf *w, uint8_t id, bool present, uint32_t v) {
  if (present) {
    wbuf s = {0};
    leb_put_u(&s, v);
    put_section(w, id, &s);
  }
  return true;
}

static bool type_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  const core_functype *ft = item;
  canon_buf_byte(w, 0x60);
  leb_put_u(w, ft->nparams);
  for (uint32_t k = 0; k < ft->nparams; k++)
    canon_buf_byte(w, (uint8_t)ft->params[k]);
  leb_put_u(w, ft->nresults);
  for (uint32_t k = 0; k < ft->nresults; k++)
    canon_buf_byte(w, (uint8_t)ft->results[k]);
  return true;
}

static bool import_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  const core_import *im = item;
  put_name(w, &im->module);
  put_name(w, &im->name);
  core_encode_importdesc(w, im);
  return true;
}

static bool func_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  leb_put_u(w, ((const core_func *)item)->type);
  return true;
}

static bool table_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  put_tabletype(w, item);
  return true;
}

static bool memory_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  put_limits(w, &((const core_memtype *)item)->limits);
  return true;
}

static bool tag_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  canon_buf_byte(w, 0);
  leb_put_u(w, *(const uint32_t *)item);
  return true;
}

static bool global_item(wbuf *w, const void *item, cm_error *err) {
  const core_global *g = item;
  put_globaltype(w, &g->type);
  return put_expr(w, &g->init, err);
}

static bool export_item(wbuf *w, const void *item, cm_error *err) {
  (void)err;
  const core_export *ex = item;
  put_name(w, &ex->name);
  canon_buf_byte(w, (uint8_t)ex->kind);
  leb_put_u(w, ex->idx);
  return true;
}

static bool code_item(wbuf *w, const void *item, cm_error *err) {
  const core_func *f = item;
  wbuf body = {0};
  put_locals(&body, f);
  if (!put_expr(&body, &f->body, err)) {
    free(body.p);
    return false;
  }
  put_sized(w, &body);
  return true;
}

/* The sections in the spec's order (tags after memories; data count
 * before code). */
static bool encode_sections(const core_module *m, wbuf *w, cm_error *err) {
  return put_vec(w, 1, m->types, m->ntypes, sizeof *m->types, type_item, err) &&
         put_vec(w, 2, m->imports, m->nimports, sizeof *m->imports, import_item, err) &&
         put_vec(w, 3, m->funcs, m->nfuncs, sizeof *m->funcs, func_item, err) &&
         put_vec(w, 4, m->tables, m->ntables, sizeof *m->tables, table_item, err) &&
         put_vec(w, 5, m->mems, m->nmems, sizeof *m->mems, memory_item, err) &&
         put_vec(w, 13, m->tags, m->ntags, sizeof *m->tags, tag_item, err) &&
         put_vec(w, 6, m->globals, m->nglobals, sizeof *m->globals, global_item, err) &&
         put_vec(w, 7, m->exports, m->nexports, sizeof *m->exports, export_item, err) &&
         put_u32_section(w, 8, m->has_start, m->start) &&
         put_vec(w, 9, m->elems, m->nelems, sizeof *m->elems, elem_item, err) &&
         put_u32_section(w, 12, m->has_datacount || core_module_uses_dataidx(m),
                         m->ndatas) &&
         put_vec(w, 10, m->funcs, m->nfuncs, sizeof *m->funcs, code_item, err) &&
         put_vec(w, 11, m->datas, m->ndatas, sizeof *m->datas, data_item, err);
}

bool core_encode(const core_module *m, uint8_t **out, size_t *len,
                 cm_error *err) {
  wbuf w = {0};
  static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 1, 0, 0, 0};
  canon_buf_add(&w, header, sizeof header);
  if (!encode_sections(m, &w, err)) {
    free(w.p);
    return false;
  }
  *out = (uint8_t *)w.p;
  *len = w.n;
  return true;
}
