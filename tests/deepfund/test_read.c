/* Graph, jury and submission readers: the formats, the canonical names, and
 * errors that name file, line and field. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dacc/deepfund.h"
#include "support.h"

static dacc_deepfund_graph *graph_of(const char *text, dacc_status want, dacc_error *err)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_status st = dacc_deepfund_graph_read_memory(g, "g.csv", text, strlen(text), err);
    cr_assert_eq(st, want, "%s", err->message);
    return g;
}

Test(graph, dacc_csv_with_weights_and_canonical_names)
{
    dacc_error err;
    dacc_deepfund_graph *g =
        graph_of("parent,dependency,weight\n"
                 "https://github.com/Ethereum/go-ethereum,github.com/syndtr/goleveldb,0.25\n"
                 "github.com/ethereum/go-ethereum/,https://GitHub.com/golang/snappy.git,0.5\n",
                 DACC_OK, &err);
    cr_assert_eq(dacc_deepfund_graph_nodes(g), 3);
    cr_assert_eq(dacc_deepfund_graph_edges(g), 2);
    cr_assert_str_eq(dacc_deepfund_graph_name(g, 0), "https://github.com/Ethereum/go-ethereum");
    cr_assert_geq(dacc_deepfund_graph_find(g, "GITHUB.COM/golang/snappy", 24), 0);
    cr_assert(dacc_deepfund_graph_weighted(g));
    cr_assert_eq(dacc_deepfund_graph_weight(g, 1), 0.5);
    dacc_deepfund_graph_free(g);
}

Test(graph, deepfunding_csv_columns_without_weights)
{
    dacc_error err;
    dacc_deepfund_graph *g = graph_of("seed_repo_url,package_repo_url,relation\n"
                                      "https://github.com/a/b,https://github.com/c/d,NPM\n",
                                      DACC_OK, &err);
    cr_assert_eq(dacc_deepfund_graph_edges(g), 1);
    cr_assert(!dacc_deepfund_graph_weighted(g));
    dacc_deepfund_graph_free(g);
}

Test(graph, networkx_node_link_json)
{
    const char *json =
        "{\"directed\": true, \"multigraph\": false, \"graph\": {},\n"
        " \"nodes\": [{\"id\": \"eth\"}, {\"id\": \"geth\"}, {\"id\": \"lonely\"}],\n"
        " \"links\": [{\"source\": \"eth\", \"target\": \"geth\", \"weight\": 0.4,"
        " \"relation\": \"GO\"}]}";
    dacc_error err;
    dacc_deepfund_graph *g = graph_of(json, DACC_OK, &err);
    cr_assert_eq(dacc_deepfund_graph_nodes(g), 3);
    dacc_deepfund_graph_report rep;
    cr_assert_eq(dacc_deepfund_graph_check(g, &rep, &err), DACC_OK);
    cr_assert_eq(rep.nisolated, 1);
    cr_assert_str_eq(dacc_deepfund_graph_name(g, rep.isolated[0]), "lonely");
    cr_assert_eq(rep.roots, 1);
    cr_assert_eq(rep.leaves, 1);
    dacc_deepfund_graph_report_free(&rep);
    dacc_deepfund_graph_free(g);
    g = graph_of("{\"nodes\": [], \"edges\": [{\"source\": 1, \"target\": 2, \"weight\": 2}]}",
                 DACC_ERR_RANGE, &err);
    cr_assert(strstr(err.message, "weight") != NULL, "%s", err.message);
    dacc_deepfund_graph_free(g);
}

Test(graph, report_overweight_cycles_and_duplicates)
{
    dacc_error err;
    dacc_deepfund_graph *g = graph_of("parent,dependency,weight\n"
                                      "a,b,0.7\na,c,0.6\nb,c,0.5\nc,b,0.5\nd,d,0.1\n",
                                      DACC_OK, &err);
    dacc_deepfund_graph_report rep;
    cr_assert_eq(dacc_deepfund_graph_check(g, &rep, &err), DACC_OK);
    cr_assert_eq(rep.noverweight, 1);
    cr_assert_str_eq(dacc_deepfund_graph_name(g, rep.overweight[0]), "a");
    cr_assert(fabs(rep.overweight_sum[0] - 1.3) < 1e-12);
    cr_assert_eq(rep.ncycles, 2);
    cr_assert_eq(rep.components, 2);
    dacc_deepfund_graph_report_free(&rep);
    dacc_deepfund_graph_free(g);
    g = graph_of("parent,dependency\na,b\nA,b/\n", DACC_ERR_INVALID, &err);
    cr_assert(strstr(err.message, "g.csv:3:") && strstr(err.message, "twice"), "%s", err.message);
    dacc_deepfund_graph_free(g);
    g = graph_of("parent,dependency,weight\na,b,1.5\n", DACC_ERR_RANGE, &err);
    cr_assert(strstr(err.message, "g.csv:2: column \"weight\"") != NULL, "%s", err.message);
    dacc_deepfund_graph_free(g);
    g = graph_of("from,to\na,b\n", DACC_ERR_NOTFOUND, &err);
    cr_assert(strstr(err.message, "parent") != NULL, "%s", err.message);
    dacc_deepfund_graph_free(g);
}

static dacc_deepfund_graph *small_graph(void)
{
    dacc_error err;
    return graph_of("parent,dependency\neth,geth\neth,reth\neth,solc\n", DACC_OK, &err);
}

static dacc_status read_jury(dacc_deepfund_graph *g, const char *text, unsigned flags,
                             dacc_deepfund_jury **j, dacc_deepfund_read_opts *ro, dacc_error *err)
{
    *j = dacc_deepfund_jury_new();
    *ro = (dacc_deepfund_read_opts){ .flags = flags, .parent = "eth" };
    return dacc_deepfund_jury_read_memory(*j, g, "jury.csv", text, strlen(text), ro, err);
}

Test(jury, three_answer_forms)
{
    dacc_deepfund_graph *g = small_graph();
    dacc_deepfund_jury *j;
    dacc_deepfund_read_opts ro;
    dacc_error err;
    cr_assert_eq(read_jury(g,
                           "juror,repo_a,repo_b,parent,choice,multiplier\n"
                           "x,geth,reth,eth,1,4\nx,geth,solc,eth,2,3\n",
                           0, &j, &ro, &err),
                 DACC_OK, "%s", err.message);
    const dacc_deepfund_sample *s = dacc_deepfund_jury_samples(j);
    cr_assert(fabs(s[0].c + log(4)) < 1e-15 && fabs(s[1].c - log(3)) < 1e-15);
    cr_assert_eq(dacc_deepfund_jury_line(j, 1), 3);
    dacc_deepfund_jury_free(j);
    cr_assert_eq(read_jury(g, "a,b,ratio\ngeth,reth,0.5\n", 0, &j, &ro, &err), DACC_OK, "%s",
                 err.message);
    cr_assert(fabs(dacc_deepfund_jury_samples(j)[0].c - log(0.5)) < 1e-15);
    dacc_deepfund_jury_free(j);
    cr_assert_eq(read_jury(g, "repo_a,repo_b,log_ratio\ngeth,reth,-1.25\n", 0, &j, &ro, &err),
                 DACC_OK);
    cr_assert_eq(dacc_deepfund_jury_samples(j)[0].c, -1.25);
    dacc_deepfund_jury_free(j);
    dacc_deepfund_graph_free(g);
}

Test(jury, errors_name_file_line_and_column)
{
    dacc_deepfund_graph *g = small_graph();
    dacc_deepfund_jury *j;
    dacc_deepfund_read_opts ro;
    dacc_error err;
    cr_assert_eq(
        read_jury(g, "repo_a,repo_b,ratio\ngeth,reth,2\ngeth,nethermind,2\n", 0, &j, &ro, &err),
        DACC_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "jury.csv:3: column \"repo_b\": unknown project \"nethermind\""),
              "%s", err.message);
    dacc_deepfund_jury_free(j);
    cr_assert_eq(read_jury(g, "repo_a,repo_b,ratio\ngeth,reth,0\n", 0, &j, &ro, &err),
                 DACC_ERR_RANGE);
    cr_assert(strstr(err.message, "jury.csv:2: column \"ratio\": expected a positive ratio"), "%s",
              err.message);
    dacc_deepfund_jury_free(j);
    cr_assert_eq(read_jury(g, "repo_a,repo_b,choice,multiplier\ngeth,reth,3,2\n", 0, &j, &ro, &err),
                 DACC_ERR_RANGE);
    cr_assert(strstr(err.message, "column \"choice\"") != NULL, "%s", err.message);
    dacc_deepfund_jury_free(j);
    cr_assert_eq(read_jury(g, "repo_a,repo_b,answer\ngeth,reth,3\n", 0, &j, &ro, &err),
                 DACC_ERR_NOTFOUND);
    dacc_deepfund_jury_free(j);
    dacc_deepfund_graph_free(g);
}

Test(jury, lenient_drops_and_counts)
{
    dacc_deepfund_graph *g = small_graph();
    dacc_deepfund_jury *j;
    dacc_deepfund_read_opts ro;
    dacc_error err;
    cr_assert_eq(read_jury(g,
                           "repo_a,repo_b,ratio\ngeth,reth,2\nx,reth,2\ngeth,solc,-1\n"
                           "geth,geth,2\nreth,solc,3\n",
                           DACC_DEEPFUND_LENIENT, &j, &ro, &err),
                 DACC_OK);
    cr_assert_eq(dacc_deepfund_jury_size(j), 2);
    cr_assert_eq(ro.dropped, 3);
    cr_assert(strstr(ro.first_drop.message, "jury.csv:3:") != NULL, "%s", ro.first_drop.message);
    dacc_deepfund_jury_free(j);
    dacc_deepfund_graph_free(g);
}

static dacc_status sub_logits(dacc_deepfund_graph *g, const char *text, unsigned flags,
                              double *logits, dacc_error *err)
{
    dacc_deepfund_submission *s = dacc_deepfund_submission_new("model");
    dacc_deepfund_read_opts ro = { .parent = "eth" };
    dacc_status st =
        dacc_deepfund_submission_read_memory(s, g, "model.csv", text, strlen(text), &ro, err);
    if (st == DACC_OK)
        st = dacc_deepfund_submission_logits(s, g, flags, logits, err);
    dacc_deepfund_submission_free(s);
    return st;
}

Test(submission, distribution_checks)
{
    dacc_deepfund_graph *g = small_graph();
    double L[3];
    dacc_error err;
    cr_assert_eq(sub_logits(g, "repo,parent,weight\ngeth,eth,0.5\nreth,eth,0.25\nsolc,eth,0.25\n",
                            0, L, &err),
                 DACC_OK, "%s", err.message);
    cr_assert(fabs(L[0] - log(0.5)) < 1e-15);
    cr_assert_eq(sub_logits(g, "repo,weight\ngeth,0.5\nreth,0.25\n", 0, L, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "model: project \"solc\": missing") != NULL, "%s", err.message);
    cr_assert_eq(sub_logits(g, "repo,weight\ngeth,50\nreth,25\nsolc,25\n", 0, L, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "parent \"eth\"") && strstr(err.message, "--normalize"), "%s",
              err.message);
    cr_assert_eq(
        sub_logits(g, "repo,weight\ngeth,50\nreth,25\nsolc,25\n", DACC_DEEPFUND_NORMALIZE, L, &err),
        DACC_OK);
    cr_assert(fabs(L[1] - log(0.25)) < 1e-15);
    cr_assert_eq(sub_logits(g, "repo,weight\ngeth,0.5\nreth,0\nsolc,0.5\n", 0, L, &err),
                 DACC_ERR_RANGE);
    cr_assert(strstr(err.message, "model.csv:3: column \"weight\"") != NULL, "%s", err.message);
    cr_assert_eq(sub_logits(g, "repo,weight\ngeth,0.5\ngeth,0.25\nsolc,0.25\n", 0, L, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "model:3:") && strstr(err.message, "first on line 2"), "%s",
              err.message);
    dacc_deepfund_graph_free(g);
}

Test(submission, real_pond_files)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_deepfund_submission *s = dacc_deepfund_submission_new("arbitron");
    dacc_deepfund_read_opts ro = { .flags = DACC_DEEPFUND_EXTEND };
    dacc_error err;
    size_t len;
    char *text = read_text(SOURCE_PATH("tests/data/model-arbitron.csv"), &len);
    cr_assert_not_null(text);
    cr_assert_eq(
        dacc_deepfund_submission_read_memory(s, g, "model-arbitron.csv", text, len, &ro, &err),
        DACC_OK, "%s", err.message);
    free(text);
    cr_assert_eq(dacc_deepfund_graph_edges(g), 45);
    double L[45];
    cr_assert_eq(dacc_deepfund_submission_logits(s, g, 0, L, &err), DACC_OK, "%s", err.message);
    dacc_deepfund_submission_free(s);
    dacc_deepfund_graph_free(g);
}
