/* swaddle: what the option reader and the plan share, not for the rest. */
#pragma once

#include "plan.h"
#include "utils.h"

#include <stdarg.h>

void plan_init (struct plan *plan, int argc, char *const *argv);
struct op *plan_add_op (struct plan *plan, enum op_kind kind, const char *option, const char *dest);
void plan_add_env (struct plan *plan, enum env_kind kind, const char *name, const char *value);
void plan_adopt_blob (struct plan *plan, char *blob);
/* Append to one of the plan's small growable arrays. */
void *plan_append (void *array, size_t *n, size_t item_size);
/* Replace n_remove args at `at` by the n_new NUL-terminated strings in data. */
void plan_splice_args (struct plan *plan, size_t at, size_t n_remove, char *data, size_t n_new);

void plan_error_clear (struct plan_error *error);
void plan_error_set (struct plan_error *error, enum plan_error_kind kind, const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));
void plan_error_setv (struct plan_error *error, enum plan_error_kind kind, const char *fmt, va_list ap)
  __attribute__((format (printf, 3, 0)));
