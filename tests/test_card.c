/* test_card.c — the model card (src/eval/model_card.c, `hrcast card`): a tiny LSTM trained here on a
 * small simulated dataset, its card with an intact YAML header (fences, key lines, no model-index
 * without metrics), the architecture, features and provenance in the Markdown, then with a real
 * metrics.json from evaluate(): model-index and the evaluation table carry its numbers; the CLI finds
 * MODEL's directory/metrics.json and ignores one that names another model; constant/physio cards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "data/ingest.h"
#include "eval/eval_output.h"
#include "eval/evaluate.h"
#include "eval/model_card.h"
#include "model/constant.h"
#include "sim/sim.h"
#include "train/trainer.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/safetensors.h"
#include "simdata.h"
#include "testutil.h"

static char *g_dir;
static char g_ds[512], g_model[600];

static int setup(void **state)
{
    (void)state;
    g_dir = make_temp_dir();
    snprintf(g_ds, sizeof g_ds, "%s/sim.hrd", g_dir);
    snprintf(g_model, sizeof g_model, "%s/tiny.safetensors", g_dir);
    struct hr_err e;
    if (make_sim_dataset(g_ds, 4, 3, 7, 0.3))
        return -1;
    struct dataset ds;
    if (dataset_open(g_ds, &ds, &e))
        return -1;
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = 6;
    o.layers = 2;
    o.batch = 4;
    o.epochs = 1;
    o.max_len = 200;
    o.seed = 3;
    snprintf(o.features, sizeof o.features, "default"); /* the 14 inputs the card's text is checked for */
    o.dataset_path = "sim.hrd";
    struct train_result r;
    int rc = train_lstm(&ds, &o, g_model, &r, &e);
    dataset_close(&ds);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    remove_temp_dir(g_dir);
    free(g_dir);
    return 0;
}

/* fuzz_model_card's input: "model_type\0model\0metrics". */
static void save_seed(const struct safetensors *st, const char *name, const char *metrics)
{
    const char *t = st_meta_get(st, "model_type"), *m = st_meta_get(st, "model");
    if (!t || !m)
        return;
    size_t nt = strlen(t), nm = strlen(m), nx = metrics ? strlen(metrics) : 0;
    char *buf = malloc(nt + nm + nx + 2);
    memcpy(buf, t, nt + 1);
    memcpy(buf + nt + 1, m, nm + 1);
    if (metrics)
        memcpy(buf + nt + nm + 2, metrics, nx);
    seed_save("fuzz_model_card", name, buf, nt + nm + 1 + (metrics ? nx + 1 : 0));
    free(buf);
}

static char *render(const char *path, const char *metrics, struct hr_err *e)
{
    struct safetensors st;
    if (st_read_file(path, 0, &st, e))
        return NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    save_seed(&st, metrics ? (strlen(metrics) > 100 ? "with_metrics" : "bad_metrics") : base, metrics);
    const char *slash = strrchr(path, '/');
    struct model_card_opts o = {.model_file = slash ? slash + 1 : path, .metrics_json = metrics,
                                .metrics_name = metrics ? "metrics.json" : NULL};
    char *text = NULL;
    size_t len = 0;
    int rc = model_card_render(&st, &o, &text, &len, e);
    st_free(&st);
    if (rc == 0)
        assert_int_equal(strlen(text), len);
    return rc ? NULL : text;
}

/* Checks the YAML header: "---" first line, a closing "---" line, and every line in between a comment,
 * "key: value", "key:", "- item" or "- key: value" with even indentation and no tabs. Returns a
 * malloc'ed copy of the header (without fences). */
static char *check_yaml_header(const char *card)
{
    assert_memory_equal(card, "---\n", 4);
    const char *end = strstr(card + 4, "\n---\n");
    assert_non_null(end);
    size_t n = (size_t)(end - (card + 4)) + 1;
    char *hdr = malloc(n + 1);
    memcpy(hdr, card + 4, n);
    hdr[n] = 0;
    for (char *line = hdr, *next; *line; line = next) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        next = nl + 1;
        size_t ind = 0;
        while (line[ind] == ' ')
            ind++;
        const char *s = line + ind;
        assert_null(memchr(line, '\t', (size_t)(nl - line)));
        assert_true(ind % 2 == 0);
        assert_true(s < nl); /* no blank lines */
        if (*s == '#')
            continue;
        if (s[0] == '-' && s[1] == ' ')
            s += 2;
        const char *k = s;
        while (*k == '_' || *k == '-' || (*k >= 'a' && *k <= 'z'))
            k++;
        if (k > s && *k == ':') {
            assert_true(k[1] == '\n' || k[1] == ' ');
            if (k[1] == ' ' && k[2] == '"') { /* a quoted scalar ends the line with its closing quote */
                assert_true(nl[-1] == '"' && nl - 1 > k + 2);
            }
        } else {
            assert_true(s > line + ind); /* else only a plain list item: "- word" */
            assert_null(memchr(s, ':', (size_t)(nl - s)));
        }
    }
    return hdr;
}

static void test_lstm_card_without_metrics(void **state)
{
    (void)state;
    struct hr_err e = {{0}};
    char *card = render(g_model, NULL, &e);
    assert_non_null(card);
    char *hdr = check_yaml_header(card);
    assert_non_null(strstr(hdr, "library_name: hrcast\n"));
    assert_non_null(strstr(hdr, "\ntags:\n- hrcast\n"));
    assert_non_null(strstr(hdr, "\n- lstm\n"));
    assert_non_null(strstr(hdr, "# license: fill in"));
    assert_null(strstr(hdr, "model-index")); /* no metrics, no model-index */
    free(hdr);
    /* 2 layers, 14 inputs, hidden 6, out 1: 4*6*(14+6)+8*6 + 4*6*(6+6)+8*6 + 7 = 871 */
    assert_non_null(strstr(card, "`torch.nn.LSTM(14, 6, num_layers=2, batch_first=True)`"));
    assert_non_null(strstr(card, "| parameters | 871 (="));
    assert_null(strstr(card, "hold a different count"));
    assert_non_null(strstr(card, "| 0 | `speed` |"));
    assert_non_null(strstr(card, "| 13 | `gender` |"));
    assert_non_null(strstr(card, "`inputs_from_heart_rate: none`"));
    assert_non_null(strstr(card, "## No leakage"));
    assert_non_null(strstr(card, "| dataset | sim.hrd |"));
    assert_non_null(strstr(card, "| made by | tests: simulated cohort |"));
    assert_non_null(strstr(card, "| seed, threads | 3, 1"));
    assert_non_null(strstr(card, "No evaluation was found"));
    assert_non_null(strstr(card, "net.load_state_dict(weights)"));
    assert_non_null(strstr(card, "path = \"tiny.safetensors\""));
    free(card);
}

/* metrics.json of the tiny model on the whole dataset, as `hrcast eval -o` writes it; model_hash is the
 * fingerprint of the file hashed_file (NULL: none, as an older hrcast wrote). */
static char *metrics_json(const char *model_name, const char *hashed_file, double *mae)
{
    char hash[32];
    uint64_t h = 0;
    struct hr_err he = {{0}};
    if (hashed_file)
        assert_int_equal(fnv1a64_file(hashed_file, &h, &he), 0);
    fnv1a64_format(h, hash, sizeof hash);
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    struct predictor p;
    assert_int_equal(predictor_load(g_model, &p, &e), 0);
    int n = 0;
    int *idx = dataset_select(&ds, SPLIT_ATHLETE, PART_TEST, &n);
    assert_non_null(idx);
    assert_true(n > 0);
    const struct predictor *pp[1] = {&p};
    const char *names[1] = {"lstm"};
    struct evaluation ev;
    assert_int_equal(evaluate(&ds, idx, n, pp, names, 1, 42, 0, &ev, &e), 0);
    struct eval_context cx = {.model_path = model_name, .model_card_json = p.metadata_json,
                              .dataset_path = "sim.hrd", .split = "athlete:test", .seed = 42,
                              .model_hash = hashed_file ? hash : NULL, .overlap_checked = 1};
    struct jw w;
    jw_init_buf(&w, 1);
    eval_write_json(&w, &ev, &cx);
    char *text = jw_take(&w, NULL);
    *mae = metric_mae(&ev.m[0].all);
    evaluation_free(&ev);
    free(idx);
    predictor_free(&p);
    dataset_close(&ds);
    return text;
}

static void test_lstm_card_with_metrics(void **state)
{
    (void)state;
    double mae;
    char *metrics = metrics_json(g_model, g_model, &mae);
    assert_true(isfinite(mae) && mae > 0);
    struct hr_err e = {{0}};
    char *card = render(g_model, metrics, &e);
    assert_non_null(card);
    char *hdr = check_yaml_header(card);
    assert_non_null(strstr(hdr, "\nmodel-index:\n- name: \"tiny.safetensors\"\n  results:\n  - task:\n"));
    assert_non_null(strstr(hdr, "      type: time-series-forecasting\n"));
    assert_non_null(strstr(hdr, "    dataset:\n      name: \"sim.hrd (athlete:test)\"\n"));
    char want[128];
    snprintf(want, sizeof want, "    - type: mae\n      value: %.3f\n", mae);
    assert_non_null(strstr(hdr, want));
    free(hdr);
    snprintf(want, sizeof want, "| **this model** | **%.2f** |", mae);
    assert_non_null(strstr(card, want));
    assert_null(strstr(card, "No evaluation was found"));
    assert_null(strstr(card, "not a held-out test split"));
    /* evaluated without baselines: the card does not claim any (it said they were fitted) */
    assert_null(strstr(card, "Baselines were fitted"));
    assert_non_null(strstr(card, "No baseline was evaluated (`hrcast eval --baselines` adds them)."));
    free(card);
    /* not a metrics.json: one clear error */
    assert_null(render(g_model, "{\"a\": 1}", &e));
    assert_non_null(strstr(e.msg, "not a metrics.json written by hrcast eval"));
    assert_null(render(g_model, "{\"mae\": ", &e));
    free(metrics);
}

static int run_cmd(const char *args, const char *out_path, char **out)
{
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "'%s' card %s > '%s' 2>&1", hrcast_bin(), args, out_path);
    int rc = system(cmd);
    uint8_t *text = NULL;
    size_t len;
    struct hr_err e;
    assert_int_equal(read_file_all(out_path, &text, &len, 1 << 24, &e), 0);
    *out = (char *)text;
    return rc;
}

static void test_cli_finds_metrics_beside_the_model(void **state)
{
    (void)state;
    char mpath[700], args[2000], outp[700], readme[700], *text = NULL;
    snprintf(mpath, sizeof mpath, "%s/metrics.json", g_dir);
    snprintf(outp, sizeof outp, "%s/cli.txt", g_dir);
    snprintf(readme, sizeof readme, "%s/README.md", g_dir);
    struct hr_err e = {{0}};
    double mae;
    /* a metrics.json of another model (another file's hash) beside it: ignored with a warning */
    char *other = metrics_json("elsewhere/other.safetensors", g_ds, &mae);
    assert_int_equal(write_file_atomic(mpath, other, strlen(other), &e), 0);
    free(other);
    snprintf(args, sizeof args, "'%s' -o '%s'", g_model, readme);
    assert_int_equal(run_cmd(args, outp, &text), 0);
    assert_non_null(strstr(text, "evaluation of another model"));
    free(text);
    /* given with --metrics: refused, exit 2, even under this model's file name */
    char *renamed = metrics_json(g_model, g_ds, &mae);
    assert_int_equal(write_file_atomic(mpath, renamed, strlen(renamed), &e), 0);
    free(renamed);
    snprintf(args, sizeof args, "'%s' --metrics '%s' -o '%s.x'", g_model, mpath, readme);
    assert_int_equal(WEXITSTATUS(run_cmd(args, outp, &text)), 2);
    assert_non_null(strstr(text, "hrcast card: "));
    assert_non_null(strstr(text, "is the evaluation of another model"));
    free(text);
    /* a metrics.json that does not identify its model: refused too */
    char *old = metrics_json(g_model, NULL, &mae);
    assert_int_equal(write_file_atomic(mpath, old, strlen(old), &e), 0);
    free(old);
    assert_int_equal(WEXITSTATUS(run_cmd(args, outp, &text)), 2);
    assert_non_null(strstr(text, "does not identify the model"));
    free(text);
    snprintf(args, sizeof args, "'%s' -o '%s'", g_model, readme);
    uint8_t *card;
    size_t len;
    assert_int_equal(read_file_all(readme, &card, &len, 1 << 24, &e), 0);
    assert_null(strstr((char *)card, "model-index"));
    free(card);
    /* this model's metrics.json: included */
    char *mine = metrics_json(g_model, g_model, &mae);
    assert_int_equal(write_file_atomic(mpath, mine, strlen(mine), &e), 0);
    free(mine);
    assert_int_equal(run_cmd(args, outp, &text), 0);
    assert_non_null(strstr(text, "including the evaluation"));
    free(text);
    assert_int_equal(read_file_all(readme, &card, &len, 1 << 24, &e), 0);
    char want[64];
    snprintf(want, sizeof want, "value: %.3f\n", mae);
    assert_non_null(strstr((char *)card, "model-index:"));
    assert_non_null(strstr((char *)card, want));
    free(card);
    /* --no-metrics, to stdout */
    snprintf(args, sizeof args, "'%s' --no-metrics -q --license mit", g_model);
    assert_int_equal(run_cmd(args, outp, &text), 0);
    assert_memory_equal(text, "---\nlibrary_name: hrcast\nlicense: mit\n", 36);
    assert_null(strstr(text, "model-index"));
    free(text);
    /* not a model */
    snprintf(args, sizeof args, "'%s'", mpath);
    assert_int_not_equal(run_cmd(args, outp, &text), 0);
    assert_non_null(strstr(text, "hrcast card: "));
    free(text);
    remove(mpath);
}

static void test_constant_card(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    const struct series *sp[64];
    struct series s[64];
    int n = ds.n < 64 ? ds.n : 64;
    for (int i = 0; i < n; i++) {
        dataset_series(&ds, i, &s[i]);
        sp[i] = &s[i];
    }
    struct constant_model cm;
    assert_int_equal(constant_model_fit(&cm, sp, n, 1, &e), 0);
    char path[700];
    snprintf(path, sizeof path, "%s/const.safetensors", g_dir);
    assert_int_equal(constant_model_save(&cm, path, "{\"dataset\":\"sim.hrd\",\"split\":\"athlete\",\"train_workouts\":5}", &e), 0);
    char mean[64];
    snprintf(mean, sizeof mean, "| mean | %.2f bpm |", cm.mean);
    constant_model_free(&cm);
    dataset_close(&ds);
    char *card = render(path, NULL, &e);
    assert_non_null(card);
    char *hdr = check_yaml_header(card);
    assert_non_null(strstr(hdr, "\n- baseline\n"));
    assert_null(strstr(hdr, "- lstm"));
    free(hdr);
    assert_non_null(strstr(card, "# `const.safetensors`: hrcast constant heart-rate baseline"));
    assert_non_null(strstr(card, mean));
    assert_non_null(strstr(card, "| workouts | 5 for training |"));
    assert_non_null(strstr(card, "## No leakage"));
    assert_non_null(strstr(card, "f.get_tensor(\"constant.population\")"));
    free(card);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm_card_without_metrics),
        cmocka_unit_test(test_lstm_card_with_metrics),
        cmocka_unit_test(test_cli_finds_metrics_beside_the_model),
        cmocka_unit_test(test_constant_card),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
