/* dacc rng: reproduce a seeded draw, so anyone can check a published one. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dacc/fmt.h"
#include "spec.h"

static const char prog[] = "dacc rng";

/* Draw sizes are capped so that a typo cannot ask for terabytes. */
#define RNG_CLI_MAX (UINT64_C(1) << 32)

typedef enum { MODE_NONE, MODE_BYTES, MODE_BELOW, MODE_UNIT, MODE_SAMPLE, MODE_SHUFFLE } rng_mode;

typedef struct {
    const char *seed, *purpose;
    rng_mode mode;
    uint64_t n, m, count;
    int have_of;
    cli_format format;
} rng_opts;

static int set_mode(rng_opts *o, rng_mode mode)
{
    if (o->mode != MODE_NONE && o->mode != mode)
        return cli_usage(prog, "choose one mode: --bytes, --below, --unit, --sample or --shuffle");
    o->mode = mode;
    return CLI_OK;
}

static int parse_args(int argc, char **argv, rng_opts *o)
{
    *o = (rng_opts){ .count = 1 };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_rng, NULL, argc, argv);
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 's':
            o->seed = optarg;
            break;
        case 'P':
            o->purpose = optarg;
            break;
        case 'B':
            if ((rc = set_mode(o, MODE_BYTES)) == CLI_OK)
                rc = cli_opt_u64(prog, "--bytes", optarg, 0, RNG_CLI_MAX, &o->n);
            break;
        case 'b':
            if ((rc = set_mode(o, MODE_BELOW)) == CLI_OK)
                rc = cli_opt_u64(prog, "--below", optarg, 1, UINT64_MAX, &o->n);
            break;
        case 'u':
            rc = set_mode(o, MODE_UNIT);
            break;
        case 'S':
            if ((rc = set_mode(o, MODE_SAMPLE)) == CLI_OK)
                rc = cli_opt_u64(prog, "--sample", optarg, 0, RNG_CLI_MAX, &o->m);
            break;
        case 'O':
            o->have_of = 1;
            rc = cli_opt_u64(prog, "--of", optarg, 0, RNG_CLI_MAX, &o->n);
            break;
        case 'X':
            if ((rc = set_mode(o, MODE_SHUFFLE)) == CLI_OK)
                rc = cli_opt_u64(prog, "--shuffle", optarg, 0, RNG_CLI_MAX, &o->n);
            break;
        case 'n':
            rc = cli_opt_u64(prog, "--count", optarg, 0, RNG_CLI_MAX, &o->count);
            break;
        case 'f':
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &o->format);
            break;
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (optind < argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (o->mode == MODE_NONE)
        return cli_usage(prog, "choose a mode: --bytes, --below, --unit, --sample or --shuffle");
    if ((o->mode == MODE_SAMPLE) != o->have_of)
        return cli_usage(prog, "--sample M needs --of N, and --of belongs to --sample");
    if (o->mode == MODE_SAMPLE && o->m > o->n)
        return cli_usage(prog, "--sample %llu is more than --of %llu", (unsigned long long)o->m,
                         (unsigned long long)o->n);
    return CLI_OK;
}

/* Prints the list of numbers in the chosen format. */
static void emit_u64(const rng_opts *o, const uint64_t *v, size_t n)
{
    if (o->format == CLI_FORMAT_CSV)
        puts("value");
    if (o->format == CLI_FORMAT_JSON)
        putchar('[');
    for (size_t i = 0; i < n; i++) {
        if (o->format == CLI_FORMAT_JSON)
            printf("%s%llu", i ? "," : "", (unsigned long long)v[i]);
        else
            printf("%llu\n", (unsigned long long)v[i]);
    }
    if (o->format == CLI_FORMAT_JSON)
        puts("]");
}

static int draw_bytes(const rng_opts *o, dacc_rng *r)
{
    if (o->format == CLI_FORMAT_CSV)
        puts("hex");
    if (o->format == CLI_FORMAT_JSON)
        putchar('"');
    uint8_t block[4096];
    char hex[2 * sizeof block + 1];
    for (uint64_t left = o->n; left > 0;) {
        size_t take = left < sizeof block ? (size_t)left : sizeof block;
        dacc_rng_bytes(r, block, take);
        fputs(dacc_hex_encode(block, take, hex), stdout);
        left -= take;
    }
    puts(o->format == CLI_FORMAT_JSON ? "\"" : "");
    return CLI_OK;
}

static int draw_list(const rng_opts *o, dacc_rng *r)
{
    size_t n = o->mode == MODE_BELOW ? (size_t)o->count : (size_t)o->n;
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);
    size_t *work = NULL;
    if (v == NULL)
        goto nomem;
    if (o->mode == MODE_BELOW) {
        for (size_t i = 0; i < n; i++)
            v[i] = dacc_rng_below(r, o->n);
    } else if (o->mode == MODE_SHUFFLE) {
        for (size_t i = 0; i < n; i++)
            v[i] = i;
        dacc_rng_shuffle(r, v, n, sizeof *v);
    } else {
        work = malloc((n ? n : 1) * sizeof *work);
        if (work == NULL)
            goto nomem;
        dacc_rng_sample(r, n, (size_t)o->m, work);
        for (size_t i = 0; i < o->m; i++)
            v[i] = work[i];
        n = (size_t)o->m;
    }
    emit_u64(o, v, n);
    free(work);
    free(v);
    return CLI_OK;
nomem:
    free(v);
    fprintf(stderr, "%s: out of memory\n", prog);
    return CLI_FAIL;
}

static int draw_unit(const rng_opts *o, dacc_rng *r)
{
    if (o->format == CLI_FORMAT_CSV)
        puts("value");
    if (o->format == CLI_FORMAT_JSON)
        putchar('[');
    for (uint64_t i = 0; i < o->count; i++) {
        char x[DACC_FMT_REAL_MAX]; /* shortest: what Python's repr prints */
        dacc_fmt_real(dacc_rng_unit(r), x);
        if (o->format == CLI_FORMAT_JSON)
            printf("%s%s", i ? "," : "", x);
        else
            printf("%s\n", x);
    }
    if (o->format == CLI_FORMAT_JSON)
        puts("]");
    return CLI_OK;
}

int cmd_rng(int argc, char **argv)
{
    rng_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text(o.seed, seed);
    dacc_rng r;
    if (o.purpose != NULL)
        dacc_rng_derive(&r, seed, o.purpose);
    else
        dacc_rng_init(&r, seed);
    switch (o.mode) {
    case MODE_BYTES:
        rc = draw_bytes(&o, &r);
        break;
    case MODE_UNIT:
        rc = draw_unit(&o, &r);
        break;
    default:
        rc = draw_list(&o, &r);
        break;
    }
    if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "%s: writing standard output failed\n", prog);
        return CLI_FAIL;
    }
    return rc;
}

/* ---- the declaration ---- */

enum { K_BYTES = 'B', K_BELOW = 'b', K_UNIT = 'u', K_SAMPLE = 'S', K_OF = 'O', K_SHUFFLE = 'X' };

static const cli_opt rng_opts_table[] = {
    { "seed", 's', "SEED", 's', NULL, "64 hex digits, or any text (which stands for its SHA-256)",
      NULL, CLI_REQ_ALL, NULL },
    { "purpose", 'P', "LABEL", 'P', NULL, "derive the stream for this purpose from the seed", NULL,
      0, NULL },
    { "bytes", 0, "N", K_BYTES, NULL, "mode: N bytes of the stream, in hex", NULL, 0, NULL },
    { "below", 0, "N", K_BELOW, NULL, "mode: integers uniform in [0, N)", NULL, 0, NULL },
    { "unit", 0, NULL, K_UNIT, NULL, "mode: numbers uniform in [0, 1)", NULL, 0, NULL },
    { "sample", 0, "M", K_SAMPLE, NULL,
      "mode: M distinct integers from [0, N) (with --of N), in draw order", NULL, 0, NULL },
    { "of", 0, "N", K_OF, NULL, "the N of --sample", NULL, 0, NULL },
    { "shuffle", 0, "N", K_SHUFFLE, NULL, "mode: a random order of 0 .. N-1", NULL, 0, NULL },
    { "count", 'n', "K", 'n', "1", "how many draws for --below and --unit", NULL, 0, NULL },
    { "format", 'f', "FORMAT", 'f', "text",
      "text (one per line), json (an array, or a string for --bytes) or csv (a header, then one "
      "per line)",
      NULL, 0, "text json csv" },
};

static const cli_section rng_sections[] = {
    { "DESCRIPTION",
      "Prints draws that anyone holding the seed can repeat. The stream of a seed is\n"
      "libsodium's randombytes_buf_deterministic (the ChaCha20 keystream with key =\n"
      "seed and nonce \"LibsodiumDRG\"); a purpose derives its own seed as\n"
      "BLAKE2b\\-256 keyed with the seed over the purpose text. The exact algorithms\n"
      "of every mode are in docs/base.md.\n" },
    { "MODES", ".TP\n"
               ".BI \\-\\-bytes \" N\"\n"
               "N bytes of the stream, in hex.\n"
               ".TP\n"
               ".BI \\-\\-below \" N\"\n"
               "Integers uniform in [0, N).\n"
               ".TP\n"
               ".B \\-\\-unit\n"
               "Numbers uniform in [0, 1).\n"
               ".TP\n"
               ".BI \\-\\-sample \" M \" \\-\\-of \" N\"\n"
               "M distinct integers from [0, N), in draw order.\n"
               ".TP\n"
               ".BI \\-\\-shuffle \" N\"\n"
               "A random order of 0 .. N\\-1.\n" },
    { "EXIT STATUS", "0 on success, 2 on a usage error.\n" },
    { "SEE ALSO", ".BR dacc (1)\n" },
};

const cli_spec cli_spec_rng = {
    .name = "rng",
    .summary = "reproducible random draws from a published seed",
    .description = "Reproducible random draws. The same seed and purpose give the same output\n"
                   "on every machine; the stream is libsodium's randombytes_buf_deterministic\n"
                   "(ChaCha20), and a purpose derives its own seed with keyed BLAKE2b-256, as\n"
                   "docs/base.md describes, so a draw can be checked with other tools too.\n"
                   "Exactly one mode: --bytes, --below, --unit, --sample with --of, or --shuffle.",
    CLI_OPTS(rng_opts_table),
    CLI_SECTIONS(rng_sections),
    .run = cmd_rng,
};
