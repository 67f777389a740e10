/* eval.c - the batch evaluator: rule sets, and CSV in, columns, threads, CSV out.
 *
 * The pipeline of eval_csv:
 *
 *   main thread:  read the input in pieces of about a megabyte, each cut after its
 *                 last whole record (csv_split_point), straight into a chunk
 *   workers:      split the piece into records in place (csv_open_mem), parse the
 *                 cells into columns, run the rules' batch functions, format the
 *                 output rows; a batch of rows at a time. Plain records of number
 *                 columns go straight into the columns (csv_parse_records: no cells
 *                 but the kept ones)
 *   main thread:  write the finished chunks in input order
 *
 * The main thread only reads and writes, so the work scales with the workers. A
 * worker counts the lines of its piece; the writer adds them up, so that messages
 * name the line of the whole input.
 * Chunks live in a ring of a few slots, so memory is bounded by the ring whatever
 * the size of the input. The first error in input order wins: a chunk that holds a
 * bad cell stops the run when its turn to be written comes.
 */
#include "eval.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codegen.h"
#include "csv.h"
#include "eval_rows.h"
#include "util.h"

/* ------------------------------------------------------------------------
 * Rule sets
 * ------------------------------------------------------------------------ */

void eval_options_init(EvalOptions *o) {
  memset(o, 0, sizeof *o);
  o->engine = ENGINE_JIT;
  o->opt = JIT_OPT_LEAN;
  o->progress = true;
}

static double now_seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The set's columns: the rules' inputs, one column per name. False if two inputs
 * share a name but not a kind or a unit. */
static bool set_columns(RuleSet *rs, char **err) {
  int cap = 0;
  for (int r = 0; r < rs->n; r++) cap += rs->sigs[r]->ninputs;
  rs->cols = xcalloc((size_t)cap + 1, sizeof *rs->cols);
  rs->col_of = xcalloc((size_t)rs->n + 1, sizeof *rs->col_of);
  for (int r = 0; r < rs->n; r++) {
    const RuleSig *sig = rs->sigs[r];
    rs->col_of[r] = xcalloc((size_t)sig->ninputs + 1, sizeof **rs->col_of);
    for (int k = 0; k < sig->ninputs; k++) {
      const RuleInput *in = &sig->inputs[k];
      int c = 0;
      while (c < rs->ncols && strcmp(rs->cols[c]->name, in->name) != 0) c++;
      if (c == rs->ncols) {
        rs->cols[rs->ncols++] = in;
      } else if (rs->cols[c]->kind != in->kind || rs->cols[c]->scale != in->scale) {
        size_t len = strlen(in->name) + 128;
        if (err && (*err = malloc(len)))
          snprintf(*err, len, "two inputs named '%s' differ in kind or unit", in->name);
        return false;
      }
      rs->col_of[r][k] = c;
    }
  }
  return true;
}

RuleSet *ruleset_new(const RuleSig **sigs, int n, const EvalOptions *o, char **err) {
  RuleSet *rs = xcalloc(1, sizeof *rs);
  rs->n = n;
  rs->sigs = xmalloc(sizeof *rs->sigs * (size_t)(n + 1));
  if (n) memcpy(rs->sigs, sigs, sizeof *sigs * (size_t)n);
  if (!set_columns(rs, err)) {
    ruleset_free(rs);
    return NULL;
  }
  double t0 = now_seconds(CLOCK_MONOTONIC);
  if (o->engine == ENGINE_INTERP) {
    rs->interps = xcalloc((size_t)n + 1, sizeof *rs->interps);
    for (int r = 0; r < n; r++) rs->interps[r] = interp_new(sigs[r]);
  } else {
    rs->kernels = xcalloc((size_t)n + 1, sizeof *rs->kernels);
    CgSet set = {sigs, n, rs->col_of};
    rs->jit = jit_new(o->cpu, err);
    if (!rs->jit ||
        cg_jit_set(rs->jit, &set, o->threads, (JitOpt)o->opt, rs->kernels, &rs->nkernels, err) != 0) {
      ruleset_free(rs);
      return NULL;
    }
    JitStats st = jit_stats(rs->jit);
    rs->cache_hits = st.cache_hits;
    rs->cache_misses = st.cache_misses;
  }
  rs->compile_seconds = now_seconds(CLOCK_MONOTONIC) - t0;
  return rs;
}

int eval_print_ir(FILE *out, const RuleSig **sigs, int n, const EvalOptions *o, char **err) {
  EvalOptions interp = *o;
  interp.engine = ENGINE_INTERP;     /* the columns without compiling */
  RuleSet *rs = ruleset_new(sigs, n, &interp, err);
  if (!rs) return -1;
  CgSet set = {sigs, n, rs->col_of};
  int rc = cg_print_set_ir(out, &set, o->cpu, (JitOpt)o->opt, err);
  ruleset_free(rs);
  return rc;
}

void ruleset_free(RuleSet *rs) {
  if (!rs) return;
  if (rs->interps)
    for (int r = 0; r < rs->n; r++) interp_free(rs->interps[r]);
  if (rs->col_of)
    for (int r = 0; r < rs->n; r++) free(rs->col_of[r]);
  free(rs->col_of);
  free(rs->cols);
  free(rs->interps);
  free(rs->kernels);
  jit_free(rs->jit);
  free(rs->sigs);
  free(rs);
}

void eval_print_target(FILE *out) {
  char *triple, *name, *features;
  jit_describe_cpu(NULL, &triple, &name, &features);
  fprintf(out, "target: %s\nCPU: %s (--cpu native)\nfeatures: %s\n", triple, name,
          *features ? features : "(none)");
  free(triple);
  free(name);
  free(features);
}

void ruleset_eval(const RuleSet *rs, size_t n, const double *const *cols, double *const *outs) {
  if (rs->kernels) {
    /* The kernels store base units (a later kernel reads back an earlier one's
     * rules): leave in each rule's declared unit, as interp.c does. */
    for (int k = 0; k < rs->nkernels; k++) rs->kernels[k](n, cols, outs);
    for (int r = 0; r < rs->n; r++) {
      const RuleSig *sig = rs->sigs[r];
      if (sig->result != VAL_NUM || sig->result_scale == 1.0) continue;
      double *o = outs[r];
      for (size_t i = 0; i < n; i++) o[i] /= sig->result_scale;
    }
    return;
  }
  for (int r = 0; r < rs->n; r++) {
    int nin = rs->sigs[r]->ninputs;
    const double **rcols = xcalloc((size_t)nin + 1, sizeof *rcols);
    for (int k = 0; k < nin; k++) rcols[k] = cols[rs->col_of[r][k]];
    interp_eval_batch(rs->interps[r], n, rcols, outs[r]);
    free(rcols);
  }
}

/* ------------------------------------------------------------------------
 * The run: columns, chunks, threads
 * ------------------------------------------------------------------------ */

/* An input column the rules read. */
typedef struct Column {
  const char *name;
  ValKind kind;
  int field;            /* 0-based index in the CSV header */
} Column;

/* A cell: off and len in the chunk's text; with CELL_SIDE set in off, in its side text. */
typedef CsvCell Cell;
#define CELL_SIDE ((size_t)1 << (sizeof(size_t) * 8 - 1))

typedef enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE } SlotState;

enum {
  PIECE = 1 << 20,      /* bytes of input per chunk, about (at most) */
  PIECE_MIN = 4096,
  ROWS_MAX = 8192,      /* rows per batch, at most */
  OUT_BUDGET = 32 << 20, /* bytes of formatted output a chunk may hold, at most */
  TEXT_PAD = 64,        /* readable bytes after a chunk's text (csv_scan_simple loads 64) */
};
#define MAX_RECORD ((size_t)64 << 20)   /* the CSV reader's longest record */

/* Rows on their way through the pipeline. */
typedef struct Chunk {
  long seq;
  size_t nrows;         /* rows in the batch being processed */
  size_t total;         /* rows in the whole piece */
  char *text;           /* the piece of input: whole records, parsed in place */
  size_t tlen, tcap;
  long nlines;          /* lines the piece spans */
  bool csv_failed;      /* a CSV syntax error in the piece (or reading after it) */
  CsvError csv_err;     /* its line is counted from the piece's first line */
  bool tail_failed;     /* reading the input failed after this piece */
  CsvError tail_err;
  Cell *cells;          /* nrows x ncols, row-major, offsets in text */
  char *side;           /* --carry-forward: the carried cells of the batch (TEXT_PAD after) */
  size_t slen, scap;
  uint32_t *at;         /* nrows x ncols: each input cell's byte offset in its record (messages) */
  uint32_t *seps;       /* csv_scan_simple's field ends (run->scan_rows x nfields) */
  size_t *starts;       /* and record starts */
  long *lines;          /* line of each row's record, in the piece */
  double *vals;         /* ncols columns of `rows` values */
  double **colv;        /* csv_parse_records's out: the columns from the batch's next row */
  size_t (*segs)[2];    /* the runs of rows [from, to) that have cells (the others were
                           read by csv_parse_records straight into the columns) */
  size_t nsegs;
  double *outs;         /* nrules columns of `rows` values */
  char *out;            /* formatted CSV rows */
  size_t olen, ocap;
  bool bad;             /* a bad cell: the first one, in row then column order */
  bool bad_empty;       /* it is empty (E0812), else unreadable (E0813) */
  size_t bad_row;
  int bad_k;            /* its column among the rules' inputs */
  long bad_line;        /* in the piece */
  char bad_msg[256];
  bool carry_failed;    /* --carry-forward reported an error at the record after the batch */
  SlotState state;
  double cpu_read, cpu_parse, cpu_eval, cpu_format;
  double cpu_fused;     /* --time: the batch's time in csv_parse_records, so far */
} Chunk;

/* The progress line on standard error. */
typedef struct Progress {
  bool on;
  bool shown;           /* a line is on the screen */
  double start, last;
  off_t size;           /* of a regular input file, else 0 */
  int fd;
} Progress;

typedef struct Run {
  const RuleSet *rs;
  const EvalOptions *o;
  const char *in_name;
  int in_fd;
  size_t total_rows;
  bool header_written;
  size_t nfields;       /* fields per record: the header's */
  long line_base;       /* line of the first line of the next chunk to write */
  size_t piece;         /* bytes of input per chunk: piece_size() */
  bool input_done;      /* the last piece has been read */
  char *carry;          /* the partial record after the last piece's cut */
  size_t carry_len, carry_cap;
  Column *cols;         /* the rule set's columns, with their place in the CSV */
  int ncols;
  int *keep;            /* --keep: the CSV fields copied to the output, in order */
  const char **keep_names;
  int nkeep;
  int width;            /* cells per row in a chunk: ncols, then nkeep */
  bool numbers_only;    /* no kept cells and every rule a number: format_numbers */
  int *field_of;        /* the CSV field of each of the `width` cells */
  size_t scan_rows;     /* records per csv_scan_simple call; 0: no fast scan */
  int *fuse_col;        /* per CSV field, its column or -1, for csv_parse_records; NULL: not used */
  int *fuse_cell;       /* per CSV field, its kept cell (ncols + k) or -1; NULL: nothing kept */
  size_t rows;          /* rows per chunk */
  Chunk *slots;
  int nslots;
  int nworkers;
  bool threaded;        /* the mutex, conditions and workers exist */
  pthread_t *workers;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  int *queue;           /* slot indices, a ring of nslots */
  int qhead, qlen;
  bool closing;
  atomic_bool abort;
  Progress progress;
  double cpu_parse, cpu_eval, cpu_format, cpu_read, cpu_write;
  RowsDiag rd;          /* data errors as diagnostics */
  CarryForward *cf;     /* --carry-forward (then no workers), else NULL */
  CarryColumn *cf_cols;
  CsvField *subst;      /* per input column: the carried text for the record at hand */
} Run;

/* The calling thread's CPU time, for --time's split; 0 without --time (reading it is a
   system call, not a vDSO read). */
static double cpu_now(const Run *run) {
  return run->o->timing ? now_seconds(CLOCK_THREAD_CPUTIME_ID) : 0;
}

/* Room for `need` bytes of text in the chunk, and TEXT_PAD more. */
static void reserve_text(Chunk *c, size_t need) {
  if (need + TEXT_PAD <= c->tcap) return;
  size_t cap = c->tcap ? c->tcap : PIECE + TEXT_PAD;
  while (cap < need + TEXT_PAD) cap *= 2;
  c->text = xrealloc(c->text, cap);
  c->tcap = cap;
}

/* Room for `need` more bytes of side text, and TEXT_PAD more. */
static void reserve_side(Chunk *c, size_t need) {
  if (c->slen + need + TEXT_PAD <= c->scap) return;
  size_t cap = c->scap ? c->scap : 4096;
  while (cap < c->slen + need + TEXT_PAD) cap *= 2;
  c->side = xrealloc(c->side, cap);
  memset(c->side + c->scap, 0, cap - c->scap);   /* the pad is read, so it is defined */
  c->scap = cap;
}

/* The text of a cell: in the piece, or carried forward into the side text. */
static const char *cell_text(const Chunk *c, const Cell *cell) {
  return cell->off & CELL_SIDE ? c->side + (cell->off & ~CELL_SIDE) : c->text + cell->off;
}

static void grow_out(Chunk *c, size_t need) {
  if (c->olen + need <= c->ocap) return;
  size_t cap = c->ocap ? c->ocap : 1 << 16;
  while (cap < c->olen + need) cap *= 2;
  c->out = xrealloc(c->out, cap);
  c->ocap = cap;
}


/* Keep the cell at row i, column k as the chunk's first bad cell (its message is in bad_msg). */
static void mark_bad(Chunk *c, size_t i, int k, bool empty) {
  c->bad = true;
  c->bad_empty = empty;
  c->bad_row = i;
  c->bad_k = k;
  c->bad_line = c->lines[i];
}

/* Parse column k of the chunk, numbers in the text, a column at a time
 * (csv_parse_doubles); a bad cell becomes NaN (--na=nan) or the chunk's bad
 * cell when it comes before the one already found (row, then column order). */
static void parse_numbers(Run *run, Chunk *c, int k) {
  double *vals = c->vals + (size_t)k * run->rows;
  size_t stride = (size_t)run->width;
  for (size_t s = 0; s < c->nsegs; s++) {
    size_t i = c->segs[s][0], end = c->segs[s][1];
    while (i < end) {
      i += csv_parse_doubles(c->text, &c->cells[i * stride + (size_t)k], stride, end - i, vals + i);
      if (i == end) break;
      if (c->bad && c->bad_row <= i) return;   /* an earlier bad cell (columns go in order) */
      const Cell *cell = &c->cells[i * stride + (size_t)k];
      char msg[sizeof c->bad_msg];
      bool empty = eval_cell_message(VAL_NUM, run->cols[k].name, c->text + cell->off, cell->len, msg, sizeof msg);
      if (!run->o->na_nan) {
        mark_bad(c, i, k, empty);
        memcpy(c->bad_msg, msg, sizeof msg);
        return;
      }
      vals[i++] = NAN;   /* missing: the rules see NaN (LANGUAGE.md 7.5) */
    }
  }
}

/* Parse the chunk's cells into columns. False at the first bad cell (unless --na=nan).
 * Without side text (--carry-forward), columns of numbers go a column at a time. */
static bool parse_chunk(Run *run, Chunk *c) {
  int ncols = run->ncols;
  if (!run->cf) {
    bool all = true;
    for (int k = 0; k < ncols; k++) {
      if (run->cols[k].kind == VAL_NUM) parse_numbers(run, c, k);
      else all = false;
    }
    if (all) return !c->bad;
  }
  for (size_t i = 0; i < c->nrows; i++) {
    if (c->bad && c->bad_row <= i) return false;
    for (int k = 0; k < ncols; k++) {
      if (!run->cf && run->cols[k].kind == VAL_NUM) continue;   /* parsed above */
      const Cell *cell = &c->cells[i * (size_t)run->width + (size_t)k];
      double v;
      bool empty;
      if (c->bad && c->bad_row == i && c->bad_k < k) return false;
      const Column *col = &run->cols[k];   /* text and side text have TEXT_PAD bytes after them */
      if (!eval_parse_cell(col->kind, col->name, cell_text(c, cell), cell->len, true, &v, c->bad_msg,
                           sizeof c->bad_msg, &empty)) {
        if (!run->o->na_nan) {
          mark_bad(c, i, k, empty);
          return false;
        }
        v = NAN;   /* missing: the rules see NaN (LANGUAGE.md 7.5) */
      }
      c->vals[(size_t)k * run->rows + i] = v;
    }
  }
  return !c->bad;
}

/* Run every rule on the chunk's columns. */
static void eval_chunk(Run *run, Chunk *c) {
  const RuleSet *rs = run->rs;
  const double **cols = xcalloc((size_t)rs->ncols + 1, sizeof *cols);
  double **outs = xcalloc((size_t)rs->n + 1, sizeof *outs);
  for (int k = 0; k < rs->ncols; k++) cols[k] = c->vals + (size_t)k * run->rows;
  for (int r = 0; r < rs->n; r++) outs[r] = c->outs + (size_t)r * run->rows;
  ruleset_eval(rs, c->nrows, cols, (double *const *)outs);
  free(outs);
  free(cols);
}

/* Whether a CSV cell must be quoted to read back as the same text. */
static bool needs_quotes(const char *s, size_t n) {
  if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) return true;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return true;
  return false;
}

/* Write a cell as CSV at p (room for 2n + 3 bytes); returns the end. */
static char *put_cell(char *p, const char *s, size_t n) {
  if (!needs_quotes(s, n)) {
    memcpy(p, s, n);
    return p + n;
  }
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') *p++ = '"';
    *p++ = s[i];
  }
  *p++ = '"';
  return p;
}

/* Format the batch's rows when they are numbers only (no kept cells, every rule a
 * number): room for all of them reserved at once (33 bytes a number, which
 * csv_format_rows may write, within the 40 a row's bound counts), then one call
 * that formats them all with the formatter inlined in its loop. */
static void format_numbers(Run *run, Chunk *c) {
  size_t nrows = c->nrows;
  int nrules = run->rs->n;
  grow_out(c, nrows * ((size_t)nrules * 40 + 2));
  char *end = csv_format_rows(c->out + c->olen, c->outs, run->rows, nrows, nrules);
  c->olen = (size_t)(end - c->out);
}

/* Format the chunk's results as CSV rows, after the kept input cells. */
static void format_chunk(Run *run, Chunk *c) {
  const RuleSet *rs = run->rs;
  if (run->numbers_only) {
    format_numbers(run, c);
    return;
  }
  for (size_t i = 0; i < c->nrows; i++) {
    size_t kept = 0;
    const Cell *row = &c->cells[i * (size_t)run->width + (size_t)run->ncols];
    for (int k = 0; k < run->nkeep; k++) kept += 2 * row[k].len + 3;
    grow_out(c, (size_t)rs->n * 40 + kept + 2);
    char *p = c->out + c->olen;
    for (int k = 0; k < run->nkeep; k++) {
      p = put_cell(p, c->text + row[k].off, row[k].len);
      *p++ = ',';
    }
    for (int r = 0; r < rs->n; r++) {
      if (r) *p++ = ',';
      double v = c->outs[(size_t)r * run->rows + i];
      ValKind kind = rs->sigs[r]->result;
      p += kind == VAL_NUM ? csv_format_double(v, p) : eval_format_value(kind, v, p);
    }
    *p++ = '\n';
    c->olen = (size_t)(p - c->out);
  }
}

static void add_record(Run *run, Chunk *c, const CsvRecord *rec);

/* --carry-forward: fill run->subst for a record of the piece at hand, its line counted
 * in the whole input. There are no workers then, so every chunk before this one is
 * written and run->line_base is this piece's first line. False after an error. */
static bool carry_record(Run *run, const CsvRecord *rec) {
  CsvRecord at = *rec;
  at.line = run->line_base + rec->line - 1;
  return carry_row(run->cf, &at, run->subst);
}

/* Note the cells of plain record j of a csv_scan_simple run, on line `line`. */
static void add_plain(Run *run, Chunk *c, size_t j, long line) {
  size_t i = c->nrows++, start = c->starts[j];
  const uint32_t *sep = c->seps + j * run->nfields;
  c->lines[i] = line;
  Cell *row = &c->cells[i * (size_t)run->width];
  uint32_t *at = &c->at[i * (size_t)run->ncols];
  for (int k = 0; k < run->width; k++) {
    int field = run->field_of[k];
    uint32_t from = field ? sep[field - 1] + 1 : 0;
    row[k] = (Cell){start + from, sep[field] - from};
    if (k < run->ncols) at[k] = from;
  }
}

/* Take the plain records at the reader's place into the batch, by the vector scan,
 * up to the batch's size or `upto` rows; the reader goes on after them. */
static void scan_plain(Run *run, Chunk *c, CsvReader *r, size_t upto) {
  while (c->nrows < upto) {
    size_t pos = csv_mem_offset(r), want = upto - c->nrows;
    if (want > run->scan_rows) want = run->scan_rows;
    size_t n = csv_scan_simple(c->text, c->tlen, &pos, run->nfields, want, c->seps, c->starts);
    long line = csv_line(r);
    for (size_t j = 0; j < n; j++) add_plain(run, c, j, line + (long)j);
    csv_mem_skip(r, pos, (long)n);
    if (n < want) return;
  }
}

/* Read the plain records at the reader's place straight into the batch's columns, by
 * csv_parse_records (cells only for the kept fields), up to the batch's size; the reader
 * goes on after them. With --time, its CPU time counts as parsing (c->cpu_fused). */
static void parse_plain(Run *run, Chunk *c, CsvReader *r) {
  double t0 = cpu_now(run);
  size_t pos = csv_mem_offset(r);
  for (int k = 0; k < run->ncols; k++) c->colv[k] = c->vals + (size_t)k * run->rows + c->nrows;
  size_t n = csv_parse_records(c->text, c->tlen, &pos, run->nfields, run->fuse_col, run->rows - c->nrows, c->colv,
                               run->fuse_cell, c->cells + c->nrows * (size_t)run->width, (size_t)run->width);
  csv_mem_skip(r, pos, (long)n);
  c->nrows += n;
  c->cpu_fused += cpu_now(run) - t0;
}

/* Note that the batch's rows from `from` on have cells (parse_numbers reads them). */
static void note_cells(Chunk *c, size_t from) {
  if (from == c->nrows) return;
  if (c->nsegs && c->segs[c->nsegs - 1][1] == from) {
    c->segs[c->nsegs - 1][1] = c->nrows;
    return;
  }
  c->segs[c->nsegs][0] = from;
  c->segs[c->nsegs++][1] = c->nrows;
}

/* Split up to run->rows records of the piece into the batch; false when no more
 * follow (the end of the piece, a CSV error kept in the chunk, or a --carry-forward
 * error already reported). Plain records go by the vector scan, the others (and all
 * with --carry-forward) by the reader. */
static bool read_batch(Run *run, Chunk *c, CsvReader *r) {
  c->nrows = c->nsegs = 0;
  c->slen = 0;
  size_t step = 1;   /* records for the scan after the walk stops: more while it reads none */
  while (c->nrows < run->rows) {
    size_t from = c->nrows;
    if (run->fuse_col) {   /* then the record it stops at by the others, and on again */
      parse_plain(run, c, r);
      if (c->nrows == run->rows) break;
      step = c->nrows > from ? 1 : step < 256 ? 2 * step : 256;
      from = c->nrows;
      scan_plain(run, c, r, c->nrows + step < run->rows ? c->nrows + step : run->rows);
      note_cells(c, from);
      if (c->nrows > from) continue;
    } else if (run->scan_rows) {
      from = c->nrows;
      scan_plain(run, c, r, run->rows);
      note_cells(c, from);
      if (c->nrows == run->rows) break;
    }
    from = c->nrows;
    CsvRecord rec;
    int rc = csv_read_record(r, &rec);
    if (rc == CSV_OK && run->cf && !carry_record(run, &rec)) {
      c->carry_failed = true;   /* the rows before it are written, then the run stops */
      return false;
    }
    if (rc == CSV_OK) {
      add_record(run, c, &rec);
      note_cells(c, from);
      continue;
    }
    if (rc == CSV_ERROR) {
      c->csv_failed = true;
      c->csv_err = *csv_error(r);
    }
    return false;
  }
  return true;
}

/* Parse, evaluate and format the piece, a batch of rows at a time. */
static void process_chunk(Run *run, Chunk *c) {
  if (atomic_load(&run->abort)) return;
  CsvReader *r = csv_open_mem(c->text, c->tlen, run->nfields);
  if (!r) unreachable_bug("out of memory");
  bool more = true;
  while (more) {
    double t0 = cpu_now(run);
    more = read_batch(run, c, r);
    double t1 = cpu_now(run);
    bool ok = parse_chunk(run, c);
    double t2 = cpu_now(run);
    c->cpu_read += t1 - t0 - c->cpu_fused;   /* the fused walk parses as it reads */
    c->cpu_parse += t2 - t1 + c->cpu_fused;
    c->cpu_fused = 0;
    if (!ok) {
      c->csv_failed = false;   /* the bad cell comes first */
      break;
    }
    eval_chunk(run, c);
    double t3 = cpu_now(run);
    format_chunk(run, c);
    c->cpu_eval += t3 - t2;
    c->cpu_format += cpu_now(run) - t3;
    c->total += c->nrows;
  }
  c->nlines = csv_line(r) - 1;
  csv_close(r);
  if (!c->bad && !c->csv_failed && !c->carry_failed && c->tail_failed) {
    c->csv_failed = true;
    c->csv_err = c->tail_err;
  }
}

static void *worker_main(void *arg) {
  Run *run = arg;
  pthread_mutex_lock(&run->mu);
  for (;;) {
    while (run->qlen == 0 && !run->closing) pthread_cond_wait(&run->work, &run->mu);
    if (run->qlen == 0) break;
    int s = run->queue[run->qhead];
    run->qhead = (run->qhead + 1) % run->nslots;
    run->qlen--;
    pthread_mutex_unlock(&run->mu);
    process_chunk(run, &run->slots[s]);
    pthread_mutex_lock(&run->mu);
    run->slots[s].state = SLOT_DONE;
    pthread_cond_broadcast(&run->done);
  }
  pthread_mutex_unlock(&run->mu);
  return NULL;
}

/* Hand a filled chunk to the workers (or process it here without workers). */
static void submit(Run *run, int s) {
  Chunk *c = &run->slots[s];
  if (run->nworkers == 0) {
    process_chunk(run, c);
    c->state = SLOT_DONE;
    return;
  }
  pthread_mutex_lock(&run->mu);
  c->state = SLOT_QUEUED;
  run->queue[(run->qhead + run->qlen) % run->nslots] = s;
  run->qlen++;
  pthread_cond_signal(&run->work);
  pthread_mutex_unlock(&run->mu);
}

static void wait_done(Run *run, Chunk *c) {
  if (run->nworkers == 0) return;
  pthread_mutex_lock(&run->mu);
  while (c->state != SLOT_DONE) pthread_cond_wait(&run->done, &run->mu);
  pthread_mutex_unlock(&run->mu);
}

/* ------------------------------------------------------------------------
 * Columns of the input
 * ------------------------------------------------------------------------ */

/* A header name without surrounding spaces, compared with a column name. */
static bool header_is(const CsvField *f, const char *name) {
  const char *s = f->data;
  size_t n = f->len;
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* A header cell's text, trimmed as header_is reads it, in a new string. */
static char *header_text(const CsvField *f) {
  const char *s = f->data;
  size_t n = f->len;
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  char *t = xmalloc(n + 1);
  memcpy(t, s, n);
  t[n] = '\0';
  return t;
}

/* The columns the rules read, found in the header. Reports the errors (every missing
 * column, with the rules that need it) and returns false when one is missing. */
static bool map_columns(Run *run, const CsvRecord *hdr) {
  const RuleSet *rs = run->rs;
  run->ncols = rs->ncols;
  run->cols = xcalloc((size_t)rs->ncols + 1, sizeof *run->cols);
  bool ok = true;
  for (int c = 0; c < rs->ncols; c++) {
    const RuleInput *in = rs->cols[c];
    int field = -1, twice = -1;
    for (size_t f = 0; f < hdr->nfields; f++)
      if (header_is(&hdr->fields[f], in->name)) {
        if (field < 0) field = (int)f;
        else if (twice < 0) twice = (int)f;
      }
    Diag *d = run->o->diag;
    if (twice >= 0) {
      Diagnostic *g = diag_error(d, rows_diag_header_span(&run->rd, twice), E0811,
                                 "column '%s' appears twice (columns %d and %d)", in->name, field + 1, twice + 1);
      diag_note(d, g, rows_diag_header_span(&run->rd, field), "the first one");
      ok = false;
    }
    run->cols[c] = (Column){in->name, in->kind, field};
    if (field >= 0) continue;
    ok = false;
    const char *users = "";
    for (int r = 0; r < rs->n; r++)
      for (int k = 0; k < rs->sigs[r]->ninputs; k++)
        if (rs->col_of[r][k] == c) {
          users = arena_printf(d->arena, "%s%s%s", users, *users ? ", " : "", rs->sigs[r]->rule->name);
          break;
        }
    Diagnostic *g = diag_error(d, rows_diag_header_span(&run->rd, -1), E0810, "missing column '%s' (%s), needed by %s",
                               in->name, in->kind == VAL_DATE ? "a date, YYYY-MM-DD"
                                         : in->kind == VAL_BOOL ? "a boolean"
                                         : in->unit ? in->unit->name : "a number", users);
    int best = -1, best_d = 3;
    for (size_t f = 0; f < hdr->nfields; f++) {
      char *t = header_text(&hdr->fields[f]);
      int dist = edit_distance(in->name, t, best_d - 1);
      if (dist < best_d) best = (int)f, best_d = dist;
      free(t);
    }
    if (best >= 0) {
      char *t = header_text(&hdr->fields[best]);
      diag_note(d, g, rows_diag_header_span(&run->rd, best), "the header has '%s': a misspelling of '%s'?", t, in->name);
      free(t);
    }
  }
  return ok;
}

/* Add header field f to the kept columns. */
static void keep_field(Run *run, const CsvRecord *hdr, size_t f) {
  run->keep[run->nkeep] = (int)f;
  run->keep_names[run->nkeep++] = header_text(&hdr->fields[f]);
}

/* The --keep columns ("a,b" or "*"), found in the header. Reports every problem (an
 * unknown column, with the nearest name; a kept column named like a rule) and
 * returns false when there is one. */
static bool map_keep(Run *run, const CsvRecord *hdr) {
  const char *spec = run->o->keep;
  run->width = run->ncols;
  if (!spec) return true;
  size_t max = hdr->nfields + 1;
  for (const char *p = spec; *p; p++) max += *p == ',';
  run->keep = xcalloc(max, sizeof *run->keep);
  run->keep_names = xcalloc(max, sizeof *run->keep_names);
  bool ok = true;
  if (strcmp(spec, "*") == 0) {
    for (size_t f = 0; f < hdr->nfields; f++) keep_field(run, hdr, f);
  } else {
    for (const char *p = spec;;) {
      size_t len = strcspn(p, ",");
      char *name = xmalloc(len + 1);
      memcpy(name, p, len);
      name[len] = '\0';
      int field = -1, best = -1, best_d = 3;
      for (size_t f = 0; f < hdr->nfields && field < 0; f++) {
        if (header_is(&hdr->fields[f], name)) field = (int)f;
        char *t = header_text(&hdr->fields[f]);
        int d = edit_distance(name, t, best_d - 1);
        if (d < best_d) best = (int)f, best_d = d;
        free(t);
      }
      if (field >= 0) {
        keep_field(run, hdr, (size_t)field);
      } else {
        Diagnostic *g = diag_error(run->o->diag, rows_diag_header_span(&run->rd, -1), E0810,
                                   "--keep: no column '%s' in the header", name);
        if (best >= 0) {
          char *hint = header_text(&hdr->fields[best]);
          diag_note(run->o->diag, g, rows_diag_header_span(&run->rd, best), "did you mean '%s'?", hint);
          free(hint);
        }
        ok = false;
      }
      free(name);
      if (!p[len]) break;
      p += len + 1;
    }
  }
  for (int k = 0; k < run->nkeep; k++)
    for (int r = 0; r < run->rs->n; r++)
      if (strcmp(run->keep_names[k], run->rs->sigs[r]->rule->name) == 0) {
        diag_error(run->o->diag, rows_diag_header_span(&run->rd, run->keep[k]), E0811,
                   "--keep: column '%s' has the name of a rule: the output would have two columns '%s'",
                   run->keep_names[k], run->keep_names[k]);
        ok = false;
      }
  run->width = run->ncols + run->nkeep;
  return ok;
}

/* ------------------------------------------------------------------------
 * Reading, writing, progress
 * ------------------------------------------------------------------------ */

/* Note where the needed cells of a record are, in the chunk's text: the rules'
 * inputs, then the kept columns. */
static void add_record(Run *run, Chunk *c, const CsvRecord *rec) {
  size_t i = c->nrows++;
  c->lines[i] = rec->line;
  Cell *row = &c->cells[i * (size_t)run->width];
  uint32_t *at = &c->at[i * (size_t)run->ncols];
  const char *start = rec->fields[0].data;   /* the record's first byte: its opening quote if any */
  if (start > c->text && start[-1] == '"') start--;
  for (int k = 0; k < run->width; k++) {
    int field = k < run->ncols ? run->cols[k].field : run->keep[k - run->ncols];
    const CsvField *f = &rec->fields[field];
    if (k < run->ncols) at[k] = (uint32_t)(f->data - start);
    if (k < run->ncols && run->subst && run->subst[k].data) {   /* carried forward */
      f = &run->subst[k];
      reserve_side(c, f->len + 1);
      memcpy(c->side + c->slen, f->data, f->len);
      c->side[c->slen + f->len] = '\0';
      row[k] = (Cell){CELL_SIDE | c->slen, f->len};
      c->slen += f->len + 1;
      continue;
    }
    row[k] = (Cell){(size_t)(f->data - c->text), f->len};
  }
}

/* Bytes of input per chunk, so that a chunk's output stays within OUT_BUDGET: a
 * record takes at least one byte per field (its commas and line end), and its output
 * row at most 40 bytes per rule plus its kept cells quoted (twice their size). Many
 * rules over narrow records make small pieces. */
static size_t piece_size(const Run *run) {
  double rows = (double)OUT_BUDGET / (40.0 * run->rs->n + 3.0);   /* rows the budget holds */
  double bytes = rows * (double)(run->nfields ? run->nfields : 1);
  if (bytes > PIECE) bytes = PIECE;
  if (bytes < PIECE_MIN) bytes = PIECE_MIN;
  return (size_t)bytes;
}

/* Keep the bytes of the chunk from `cut` on for the next chunk. */
static void carry_over(Run *run, Chunk *c, size_t cut) {
  size_t n = c->tlen - cut;
  if (n > run->carry_cap) {
    run->carry_cap = n;
    run->carry = xrealloc(run->carry, n);
  }
  if (n) memcpy(run->carry, c->text + cut, n);
  run->carry_len = n;
  c->tlen = cut;
}

/* Whether text ends inside a quoted field (it starts at a record boundary). */
static bool inside_quotes(const char *text, size_t len) {
  bool inside = false;
  for (const char *q = text; (q = memchr(q, '"', len - (size_t)(q - text))) != NULL; q++) inside = !inside;
  return inside;
}

/* Fill chunk c with the next piece of input: the partial record the last piece left,
 * then blocks until about run->piece bytes; cut after the last whole record and carry the
 * rest over. A read error, or a record longer than MAX_RECORD, becomes the chunk's
 * tail error (reported after its rows). */
static void fill_chunk(Run *run, CsvReader *reader, Chunk *c) {
  reserve_text(c, run->carry_len + run->piece);
  if (run->carry_len) memcpy(c->text, run->carry, run->carry_len);
  c->tlen = run->carry_len;
  run->carry_len = 0;
  size_t target = run->piece;
  for (;;) {
    while (c->tlen < target && !run->input_done) {
      size_t want = target - c->tlen;   /* no more: the piece's size bounds its output */
      reserve_text(c, c->tlen + want);
      char why[sizeof c->tail_err.message];
      long got = csv_read_rest(reader, c->text + c->tlen, want, why, sizeof why);
      if (got > 0) {
        c->tlen += (size_t)got;
        continue;
      }
      run->input_done = true;
      if (got < 0) {
        c->tail_failed = true;
        c->tail_err = (CsvError){0, 0, ""};
        snprintf(c->tail_err.message, sizeof c->tail_err.message, "%s", why);
        carry_over(run, c, csv_split_point(c->text, c->tlen));   /* whole records only */
        run->carry_len = 0;
      }
    }
    if (run->input_done) break;
    size_t cut = csv_split_point(c->text, c->tlen);
    if (cut > 0) {
      carry_over(run, c, cut);
      break;
    }
    if (c->tlen > MAX_RECORD) {   /* as the streaming reader says it */
      c->tail_failed = true;
      c->tail_err = (CsvError){1, 0, ""};
      snprintf(c->tail_err.message, sizeof c->tail_err.message,
               inside_quotes(c->text, c->tlen)
                   ? "quoted field longer than %zu bytes, the longest record read (is a closing quote missing?)"
                   : "record longer than %zu bytes, the longest record read",
               MAX_RECORD);
      c->tlen = 0;
      run->input_done = true;
      break;
    }
    target = c->tlen + run->piece;
  }
  memset(c->text + c->tlen, 0, TEXT_PAD);   /* the pad the scans read past the end is defined */
}


static void progress_init(Progress *p, int fd, const EvalOptions *o) {
  memset(p, 0, sizeof *p);
  p->fd = fd;
  p->start = p->last = now_seconds(CLOCK_MONOTONIC);
  struct stat st;
  bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular) p->size = st.st_size;
  /* Large: a file of 64 MiB or more, or a stream (shown once it has run a second). */
  p->on = o->progress && isatty(STDERR_FILENO) && (!regular || st.st_size >= (64 << 20));
}

static void progress_show(Progress *p, size_t rows, bool final) {
  if (!p->on) return;
  double t = now_seconds(CLOCK_MONOTONIC);
  if (!final && (t - p->last < 0.25 || t - p->start < 1.0)) return;
  p->last = t;
  if (final) {
    if (p->shown) fputs("\r\033[K", stderr);
    p->shown = false;
    return;
  }
  p->shown = true;
  off_t pos = lseek(p->fd, 0, SEEK_CUR);
  if (p->size > 0 && pos > 0)
    fprintf(stderr, "\rmissionc eval: %zu rows, %.0f%%, %.0f rows/s\033[K", rows,
            100.0 * (double)pos / (double)p->size, (double)rows / (t - p->start));
  else
    fprintf(stderr, "\rmissionc eval: %zu rows, %.0f rows/s\033[K", rows,
            (double)rows / (t - p->start));
}

/* The output's header row, the rule names; written with the first rows, so a run
 * that fails on its first rows writes nothing. */
static void write_header(Run *run, FILE *out) {
  for (int k = 0; k < run->nkeep; k++) {
    const char *name = run->keep_names[k];
    size_t n = strlen(name);
    char *cell = xmalloc(2 * n + 3);
    fwrite(cell, 1, (size_t)(put_cell(cell, name, n) - cell), out);
    fputc(',', out);
    free(cell);
  }
  for (int r = 0; r < run->rs->n; r++) fprintf(out, "%s%s", r ? "," : "", run->rs->sigs[r]->rule->name);
  fputc('\n', out);
  run->header_written = true;
}

/* Report a CSV error (E0801), its line counted in the whole input when it is a
 * chunk's (from `line_base` on; 1 for the header). */
static void report_csv_error(Run *run, const CsvError *e, long line_base, const char *what) {
  CsvError at = *e;
  if (at.line > 0) at.line += line_base - 1;
  progress_show(&run->progress, 0, true);
  diag_error(run->o->diag, rows_diag_csv_span(&run->rd, &at), E0801, "%s%s", what, at.message);
}

/* Report the chunk's bad cell: E0812 (empty) or E0813, with what would read it. */
static void report_bad_cell(Run *run, const Chunk *c) {
  Diag *d = run->o->diag;
  const Cell *cell = &c->cells[c->bad_row * (size_t)run->width + (size_t)c->bad_k];
  uint32_t at = c->at[c->bad_row * (size_t)run->ncols + (size_t)c->bad_k];
  Span span = rows_diag_cell_span(&run->rd, run->line_base + c->bad_line - 1, at, cell_text(c, cell), cell->len);
  Diagnostic *g = diag_error(d, span, c->bad_empty ? E0812 : E0813, "%s", c->bad_msg);
  if (c->bad_empty && run->cf)
    diag_note(d, g, NO_SPAN, "--carry-forward found no earlier value of '%s' for this row's key",
              run->cols[c->bad_k].name);
  diag_note(d, g, NO_SPAN, "--na=nan reads %s as missing values (NaN): the rules that need them give nan",
            c->bad_empty ? "empty cells" : "cells that cannot be read");
  if (c->bad_empty && !run->cf)
    diag_note(d, g, NO_SPAN, "--carry-forward --by KEY --order DATE takes the last value of the column for "
                             "the row's key instead, as status does");
}

/* Write a finished chunk; false (with the error reported) if it holds a bad cell, a
 * CSV error or a --carry-forward error, or the write fails. */
static bool write_chunk(Run *run, Chunk *c, FILE *out, const char *out_name, int *status) {
  wait_done(run, c);
  run->cpu_read += c->cpu_read;
  run->cpu_parse += c->cpu_parse;
  run->cpu_eval += c->cpu_eval;
  run->cpu_format += c->cpu_format;
  c->state = SLOT_FREE;
  if (c->bad) {
    progress_show(&run->progress, 0, true);
    report_bad_cell(run, c);
    *status = 1;
    atomic_store(&run->abort, true);
    return false;
  }
  double t0 = cpu_now(run);
  if (!run->header_written) write_header(run, out);
  if (c->olen && fwrite(c->out, 1, c->olen, out) != c->olen) {
    progress_show(&run->progress, 0, true);
    util_error("cannot write %s: %s", out_name, strerror(errno));
    *status = 2;
    atomic_store(&run->abort, true);
    return false;
  }
  run->cpu_write += cpu_now(run) - t0;
  run->total_rows += c->total;
  if (c->csv_failed) {
    report_csv_error(run, &c->csv_err, run->line_base, "");
    *status = 1;
    atomic_store(&run->abort, true);
    return false;
  }
  if (c->carry_failed) {   /* reported when it was found */
    *status = 1;
    atomic_store(&run->abort, true);
    return false;
  }
  run->line_base += c->nlines;
  return true;
}

static void start_workers(Run *run) {
  pthread_mutex_init(&run->mu, NULL);
  pthread_cond_init(&run->work, NULL);
  pthread_cond_init(&run->done, NULL);
  run->workers = xcalloc((size_t)run->nworkers + 1, sizeof *run->workers);
  int started = 0;
  for (; started < run->nworkers; started++)
    if (pthread_create(&run->workers[started], NULL, worker_main, run) != 0) break;
  run->nworkers = started;   /* none started: the main thread does the work */
  run->threaded = true;
}

static void stop_workers(Run *run) {
  pthread_mutex_lock(&run->mu);
  run->closing = true;
  pthread_cond_broadcast(&run->work);
  pthread_mutex_unlock(&run->mu);
  for (int i = 0; i < run->nworkers; i++) pthread_join(run->workers[i], NULL);
  free(run->workers);
  pthread_cond_destroy(&run->work);
  pthread_cond_destroy(&run->done);
  pthread_mutex_destroy(&run->mu);
}

static void alloc_slots(Run *run) {
  for (int s = 0; s < run->nslots; s++) {
    Chunk *c = &run->slots[s];
    c->cells = xmalloc(sizeof *c->cells * run->rows * (size_t)(run->width + 1));
    c->lines = xmalloc(sizeof *c->lines * run->rows);
    c->at = xmalloc(sizeof *c->at * run->rows * (size_t)(run->ncols + 1));
    if (run->scan_rows) {
      c->seps = xmalloc(sizeof *c->seps * run->scan_rows * run->nfields);
      c->starts = xmalloc(sizeof *c->starts * run->scan_rows);
    }
    c->vals = xmalloc(sizeof *c->vals * run->rows * (size_t)(run->ncols + 1));
    c->colv = xmalloc(sizeof *c->colv * (size_t)(run->ncols + 1));
    c->segs = xmalloc(sizeof *c->segs * (run->rows + 1));
    c->outs = xmalloc(sizeof *c->outs * run->rows * (size_t)(run->rs->n + 1));
  }
}

static void free_run(Run *run) {
  for (int k = 0; k < run->nkeep; k++) free((char *)run->keep_names[k]);
  free(run->keep_names);
  free(run->keep);
  free(run->field_of);
  free(run->fuse_col);
  free(run->fuse_cell);
  for (int s = 0; s < run->nslots; s++) {
    Chunk *c = &run->slots[s];
    free(c->text);
    free(c->cells);
    free(c->lines);
    free(c->at);
    free(c->seps);
    free(c->starts);
    free(c->side);
    free(c->vals);
    free(c->colv);
    free(c->segs);
    free(c->outs);
    free(c->out);
  }
  free(run->carry);
  free(run->slots);
  free(run->queue);
  free(run->cols);
  carry_free(run->cf);
  free(run->cf_cols);
  free(run->subst);
  rows_diag_free(&run->rd);
}

static void print_timing(const Run *run, size_t rows, double wall) {
  double total = run->cpu_read + run->cpu_parse + run->cpu_eval + run->cpu_format + run->cpu_write;
  if (total <= 0) total = 1e-9;
  fprintf(stderr,
          "missionc eval: %zu rows in %.3f s (%.0f rows/s), %d rules, compile %.3f s "
          "(cache: %zu hits, %zu misses)\n"
          "missionc eval: CPU time: read CSV %.3f s (%.0f%%), parse cells %.3f s (%.0f%%), "
          "evaluate %.3f s (%.0f%%), format %.3f s (%.0f%%), write %.3f s (%.0f%%)\n",
          rows, wall, wall > 0 ? (double)rows / wall : 0.0, run->rs->n, run->rs->compile_seconds,
          run->rs->cache_hits, run->rs->cache_misses, run->cpu_read,
          100 * run->cpu_read / total, run->cpu_parse, 100 * run->cpu_parse / total, run->cpu_eval,
          100 * run->cpu_eval / total, run->cpu_format, 100 * run->cpu_format / total,
          run->cpu_write, 100 * run->cpu_write / total);
  if (run->rs->jit)
    fprintf(stderr, "missionc eval: compiled for %s, CPU %s, features %s\n", jit_triple(run->rs->jit),
            jit_cpu(run->rs->jit), *jit_features(run->rs->jit) ? jit_features(run->rs->jit) : "(none)");
  else
    fputs("missionc eval: evaluated by the interpreter (--engine interp)\n", stderr);
}

/* Read, evaluate and write every record; the header is already mapped. */
static int stream_rows(Run *run, CsvReader *reader, FILE *out, const char *out_name) {
  Progress *prog = &run->progress;
  progress_init(prog, run->in_fd, run->o);
  int status = 0;
  long seq = 0, written = 0;
  run->line_base = csv_line(reader);
  run->piece = piece_size(run);
  while (!run->input_done && status == 0) {
    Chunk *c = &run->slots[seq % run->nslots];
    /* The slot's previous chunk, and every one before it, must be written first. */
    while (status == 0 && written <= seq - run->nslots)
      if (!write_chunk(run, &run->slots[written++ % run->nslots], out, out_name, &status)) break;
    if (status) break;
    c->seq = seq;
    c->nrows = c->total = 0;
    c->olen = 0;
    c->bad = c->csv_failed = c->tail_failed = c->carry_failed = false;
    c->cpu_read = c->cpu_parse = c->cpu_eval = c->cpu_format = c->cpu_fused = 0;
    double t0 = cpu_now(run);
    fill_chunk(run, reader, c);
    run->cpu_read += cpu_now(run) - t0;
    submit(run, (int)(seq++ % run->nslots));
    progress_show(prog, run->total_rows, false);
  }
  while (written < seq && status == 0)
    write_chunk(run, &run->slots[written++ % run->nslots], out, out_name, &status);
  /* Let the workers finish what they hold before the slots are freed. */
  while (written < seq) wait_done(run, &run->slots[written++ % run->nslots]);
  progress_show(prog, run->total_rows, true);
  if (status == 0 && !run->header_written) write_header(run, out);
  return status;
}

/* Whether plain records go straight into the columns by csv_parse_records: when every
 * column is a number and no field is kept twice (the cells of the columns are then
 * needed only for the messages of a bad one, which the slower path that reads it gives;
 * the kept cells are noted). */
static void plan_fuse(Run *run) {
  for (int k = 0; k < run->ncols; k++)
    if (run->cols[k].kind != VAL_NUM) return;
  int *cell = xmalloc(sizeof *cell * run->nfields);
  for (size_t f = 0; f < run->nfields; f++) cell[f] = -1;
  for (int k = 0; k < run->nkeep; k++) {
    if (cell[run->keep[k]] >= 0) {   /* kept twice */
      free(cell);
      return;
    }
    cell[run->keep[k]] = run->ncols + k;
  }
  if (run->nkeep) run->fuse_cell = cell;
  else free(cell);
  run->fuse_col = xmalloc(sizeof *run->fuse_col * run->nfields);
  for (size_t f = 0; f < run->nfields; f++) run->fuse_col[f] = -1;
  for (int k = 0; k < run->ncols; k++) run->fuse_col[run->cols[k].field] = k;
}

/* Where the batch's cells come from, for the vector scan of plain records (not with
 * --carry-forward, which reads every record through the reader). */
static void plan_scan(Run *run) {
  enum { SCAN_SEPS = 1 << 16 };   /* field ends per scan: 256 KiB */
  run->field_of = xcalloc((size_t)run->width + 1, sizeof *run->field_of);
  for (int k = 0; k < run->width; k++)
    run->field_of[k] = k < run->ncols ? run->cols[k].field : run->keep[k - run->ncols];
  size_t none = 0;   /* pick the instruction sets here, before the workers start */
  csv_scan_simple("", 0, &none, 1, 0, NULL, NULL);
  csv_parse_doubles("", NULL, 1, 0, NULL);
  if (run->cf || run->nfields == 0 || run->nfields > SCAN_SEPS) return;
  run->scan_rows = SCAN_SEPS / run->nfields;
  if (run->scan_rows > run->rows) run->scan_rows = run->rows;
  plan_fuse(run);
}

/* --carry-forward: the state per key, over the rules' input columns. */
static bool start_carry(Run *run, const CsvRecord *hdr) {
  run->cf_cols = xcalloc((size_t)run->ncols + 1, sizeof *run->cf_cols);
  for (int k = 0; k < run->ncols; k++)
    run->cf_cols[k] = (CarryColumn){run->cols[k].name, run->cols[k].kind, run->cols[k].field};
  run->subst = xcalloc((size_t)run->ncols + 1, sizeof *run->subst);
  run->cf = carry_new(&run->rd, hdr, run->o->by, run->o->order, run->cf_cols, run->ncols, run->o->na_nan);
  return run->cf != NULL;
}

int eval_csv(const RuleSet *rs, int in_fd, const char *in_name, FILE *out, const char *out_name,
             const EvalOptions *o) {
  double wall0 = now_seconds(CLOCK_MONOTONIC);
  Run run = {.rs = rs, .o = o, .in_name = in_name, .in_fd = in_fd};
  atomic_init(&run.abort, false);
  CsvReader *reader = csv_open_fd(in_fd, NULL);
  if (!reader) {
    util_error("out of memory");
    return 2;
  }
  CsvRecord hdr;
  int status = 0;
  rows_diag_init(&run.rd, o->diag, in_name, in_fd);
  if (csv_read_header(reader, &hdr) != CSV_OK) {
    report_csv_error(&run, csv_error(reader), 1, "cannot read the header row: ");
    free_run(&run);
    csv_close(reader);
    return 1;
  }
  run.nfields = hdr.nfields;
  rows_diag_header(&run.rd, &hdr);
  bool mapped = map_columns(&run, &hdr);
  mapped = map_keep(&run, &hdr) && mapped;
  if (mapped && o->carry_forward) mapped = start_carry(&run, &hdr);
  if (!mapped) {
    free_run(&run);
    csv_close(reader);
    return 1;
  }

  int threads = o->threads;
  if (threads <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (int)cpus : 1;
  }
  if (run.cf) threads = 1;   /* carry-forward reads the records in input order, here */
  size_t width = (size_t)run.width + (size_t)rs->n + 1;
  run.rows = 262144 / width;
  if (run.rows > ROWS_MAX) run.rows = ROWS_MAX;
  if (run.rows < 16) run.rows = 16;
  plan_scan(&run);
  run.numbers_only = run.nkeep == 0 && rs->n > 0;
  for (int r = 0; r < rs->n; r++) run.numbers_only = run.numbers_only && rs->sigs[r]->result == VAL_NUM;
  run.nworkers = threads > 1 ? threads : 0;
  run.nslots = threads > 1 ? 2 * threads + 2 : 1;
  run.slots = xcalloc((size_t)run.nslots, sizeof *run.slots);
  run.queue = xcalloc((size_t)run.nslots, sizeof *run.queue);
  alloc_slots(&run);
  if (run.nworkers) start_workers(&run);
  status = stream_rows(&run, reader, out, out_name);
  if (run.threaded) stop_workers(&run);
  if (status == 0 && (fflush(out) != 0 || ferror(out))) {
    util_error("cannot write %s: %s", out_name, strerror(errno));
    status = 2;
  }
  if (o->timing) print_timing(&run, run.total_rows, now_seconds(CLOCK_MONOTONIC) - wall0);
  free_run(&run);
  csv_close(reader);
  return status;
}
