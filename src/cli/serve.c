/* serve.c — `hrcast serve`: load a model and run the web server until SIGINT/SIGTERM. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "io/limits.h"
#include "nn/kernels.h"
#include "model/predictor.h"
#include "nn/lstm.h"
#include "serve/server.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast serve MODEL [--host 127.0.0.1] [--port 8080] [--max-upload 20M]\n"
    "                    [--threads N] [--max-conns N] [--timeout S] [--bf16|--int8] [--quiet]\n"
    "                    [--max-inflate SIZE] [--max-samples N] [--max-footer N] [--queue N]\n"
    "                    [--deadline S] [--recv-timeout S] [--min-rate SIZE] [--max-per-client N]\n"
    "\n"
    "Serve a web page where anyone uploads a workout (FIT, TCX, GPX, CSV, JSON) or picks a sample\n"
    "and sees its heart rate predicted by MODEL. The page and its chart library are built into\n"
    "the binary; nothing is fetched from the network and nothing is written to disk.\n"
    "\n"
    "options:\n"
    "  MODEL                 model file (safetensors) to predict with, as in every other command;\n"
    "                        --model MODEL (-m) is accepted too\n"
    "  -H, --host ADDR       address or host name to listen on (default 127.0.0.1; localhost;\n"
    "                        0.0.0.0 for all)\n"
    "      --port N          TCP port (default 8080; 0 picks a free one, printed on stderr)\n"
    "  -u, --max-upload SIZE largest request body, e.g. 512K, 20M (default 20M); larger -> 413\n"
    "      --threads N       worker threads, each with its own copy of the model (default 4)\n"
    "      --max-conns N     concurrent connections (default 512)\n"
    "      --timeout S       close idle connections after S seconds (default 15)\n"
    "  limits against hostile or slow clients (docs/security.md):\n"
    "      --max-inflate SIZE  bytes an upload may inflate to: gzip, Parquet pages (default 2 x\n"
    "                        --max-upload, at least 8M); --max-samples N (default 345600),\n"
    "                        --max-footer N (default 65536): docs/data.md \"Input limits\"; more -> 413\n"
    "      --queue N         predictions waiting for a worker thread (default 16); more -> 503\n"
    "      --deadline S      a prediction not done within S seconds gets 503 (default 30)\n"
    "      --recv-timeout S  request headers must all arrive within S seconds, and an upload must\n"
    "                        send --min-rate bytes/s over every S seconds; else dropped (default 10)\n"
    "      --min-rate SIZE   slowest upload kept, bytes per second, e.g. 8K (default 8K)\n"
    "      --max-per-client N  connections per client address (default 32)\n"
    "      --int8            (LSTM) predict with 8-bit integer products instead of FP32\n"
    "      --bf16            (LSTM) predict with bfloat16 products (FP32 sums) instead of FP32\n"
    "  -q, --quiet           no request log (one line per request on stderr otherwise)\n"
    "  -h, --help            this text\n"
    "\n"
    "API:\n"
    "  POST /api/predict   body: multipart upload, a raw workout file, or JSON\n"
    "                      {\"speed\": [m/s...], \"altitude\": [m...], \"step\": 10, \"gender\": \"m\"}\n"
    "                      (with Content-Type: application/json, or a \"step\"); a reader's warnings\n"
    "                      (a FIT file cut short) come back as \"warnings\": [...]\n"
    "                      ?calibrate=S (600, 600s, 10m): live view, the recorded HR of the first S\n"
    "                      seconds calibrates the rest (hr_calibrated, calibration {mae, ...})\n"
    "                      ?workout=N: the N-th workout of a file of several (a multisport TCX);\n"
    "                      without it the longest run, and \"warnings\" say how many and which\n"
    "  GET  /api/model     model metadata     GET /api/samples   sample workouts\n"
    "  GET  /healthz       liveness           GET /              the web page\n"
    "\n"
    "examples:\n"
    "  hrcast serve models/lstm.safetensors\n"
    "  hrcast serve model.safetensors --host 0.0.0.0 --port 9000 --max-upload 50M --threads 8\n"
    "  hrcast serve model.safetensors --host 0.0.0.0 --recv-timeout 5 --min-rate 16K --max-per-client 8\n"
    "  curl -F file=@run.fit http://127.0.0.1:8080/api/predict\n"
    "  curl -F file=@run.fit 'http://127.0.0.1:8080/api/predict?calibrate=10m'\n"
    "  curl -H 'Content-Type: application/json' -d '{\"speed\":[3,3.2,3.1],\"step\":10}' \\\n"
    "       http://127.0.0.1:8080/api/predict\n";

/* A host name ("localhost", "myhost") -> its first numeric address (IPv4 preferred) in buf; a numeric
 * address is returned as given. NULL (message printed) when the name does not resolve. */
static const char *resolve_host(const char *host, char *buf, size_t cap)
{
    struct in6_addr a6;
    struct in_addr a4;
    if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1)
        return host;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc) {
        fprintf(stderr, "hrcast serve: --host: cannot resolve '%s': %s\n", host, gai_strerror(rc));
        return NULL;
    }
    const struct addrinfo *pick = res;
    for (const struct addrinfo *r = res; r; r = r->ai_next)
        if (r->ai_family == AF_INET) {
            pick = r;
            break;
        }
    rc = getnameinfo(pick->ai_addr, pick->ai_addrlen, buf, (socklen_t)cap, NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(res);
    if (rc) {
        fprintf(stderr, "hrcast serve: --host: cannot resolve '%s': %s\n", host, gai_strerror(rc));
        return NULL;
    }
    return buf;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},  {"host", required_argument, 0, 'H'},
        {"port", required_argument, 0, 'p'},   {"max-upload", required_argument, 0, 'u'},
        {"threads", required_argument, 0, 't'}, {"max-conns", required_argument, 0, 'c'},
        {"timeout", required_argument, 0, 'T'}, {"quiet", no_argument, 0, 'q'},
        {"int8", no_argument, 0, '8'},          {"bf16", no_argument, 0, 'B'}, CLI_LIMIT_OPTIONS,
        {"queue", required_argument, 0, 'Q'},   {"deadline", required_argument, 0, 'D'},
        {"recv-timeout", required_argument, 0, 'R'}, {"min-rate", required_argument, 0, 'M'},
        {"max-per-client", required_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    struct serve_opts o;
    serve_opts_default(&o);
    const char *model = NULL;
    int opt, prec = LSTM_PREC_FP32, lr;
    struct hr_limits lim = {0, 0, 0}; /* 0: from --max-upload */
    optind = 1;
    while ((opt = getopt_long(argc, argv, "m:H:u:qh", longopts, NULL)) != -1) {
        long long sz;
        switch (opt) {
        case 'm': model = optarg; break;
        case 'H': o.host = optarg; break;
        case 'p':
            if (parse_int(optarg, 0, 65535, &o.port)) {
                fprintf(stderr, "hrcast serve: bad --port '%s'\n", optarg);
                return 2;
            }
            break;
        case 'u':
            sz = cli_size(optarg, 16LL << 30);
            if (sz < 1) {
                fprintf(stderr, "hrcast serve: bad --max-upload '%s' (e.g. 512K, 20M)\n", optarg);
                return 2;
            }
            o.max_upload = (size_t)sz;
            break;
        case 't':
            if (parse_int(optarg, 1, 256, &o.threads)) {
                fprintf(stderr, "hrcast serve: --threads must be 1..256\n");
                return 2;
            }
            break;
        case 'c':
            if (parse_int(optarg, 1, 100000, &o.max_conns)) {
                fprintf(stderr, "hrcast serve: --max-conns must be 1..100000\n");
                return 2;
            }
            break;
        case 'T':
            if (parse_int(optarg, 1, 3600, &o.timeout_s)) {
                fprintf(stderr, "hrcast serve: --timeout must be 1..3600 seconds\n");
                return 2;
            }
            break;
        case 'M':
            sz = cli_size(optarg, 16LL << 30);
            if (sz < 1) {
                fprintf(stderr, "hrcast serve: bad --min-rate '%s' (e.g. 8K)\n", optarg);
                return 2;
            }
            o.min_rate = (size_t)sz;
            break;
        case 'Q':
            if (parse_int(optarg, 1, 100000, &o.queue)) {
                fprintf(stderr, "hrcast serve: --queue must be 1..100000\n");
                return 2;
            }
            break;
        case 'P':
            if (parse_int(optarg, 1, 100000, &o.max_per_client)) {
                fprintf(stderr, "hrcast serve: --max-per-client must be 1..100000\n");
                return 2;
            }
            break;
        case 'D':
        case 'R': {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 0.1 && v <= 3600)) {
                fprintf(stderr, "hrcast serve: --%s must be 0.1..3600 seconds\n", opt == 'D' ? "deadline" : "recv-timeout");
                return 2;
            }
            *(opt == 'D' ? &o.deadline_s : &o.recv_timeout_s) = v;
            break;
        }
        case 'q': hr_log_set_level(HR_LOG_WARN); break;
        case '8': if (cli_precision_flag("serve", &prec, LSTM_PREC_INT8)) return 2; break;
        case 'B': if (cli_precision_flag("serve", &prec, LSTM_PREC_BF16)) return 2; break;
        case 'h': return cli_usage(usage_text, 1);
        default:
            lr = cli_limit_option("serve", opt, optarg, &lim);
            if (lr < 0)
                return 2;
            if (lr == 0)
                return cli_usage(usage_text, 0);
        }
    }
    o.max_inflate = lim.max_inflate;
    o.max_samples = lim.max_samples;
    o.max_footer = lim.max_footer;
    /* the model as an argument like every other command, or as --model */
    if (!model && optind < argc)
        model = argv[optind++];
    if (!model || optind < argc) {
        if (model)
            fprintf(stderr, "hrcast serve: unexpected argument '%s' (the model is %s)\n", argv[optind], model);
        else
            fprintf(stderr, "hrcast serve: missing MODEL\n");
        return cli_usage(usage_text, 0);
    }
    char host_num[NI_MAXHOST];
    const char *asked_host = o.host;
    if (!(o.host = resolve_host(o.host, host_num, sizeof host_num)))
        return 2;
    /* Block the stop signals before any thread starts so only sigwait below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* one request = one sequence: parallelism comes from the worker threads, not from BLAS threads
     * inside a tiny product (which only oversubscribe the cores) */
    nn_set_threads(1);
    struct hr_err e = {{0}};
    struct predictor *preds = calloc((size_t)o.threads, sizeof *preds);
    if (!preds) {
        fprintf(stderr, "hrcast serve: out of memory\n");
        return 1;
    }
    int loaded = 0, rc = 1;
    for (; loaded < o.threads; loaded++)
        if (cli_load_model("serve", usage_text, model, &preds[loaded]) ||
            cli_set_precision("serve", &preds[loaded], prec, model, loaded == 0)) {
            if (preds[loaded].impl)
                loaded++; /* loaded, but not an LSTM: freed below */
            goto out;
        }
    struct serve *s;
    if (serve_start(&o, preds, loaded, &s, &e)) {
        cli_error("serve", e.msg);
        goto out;
    }
    const char *shown = strchr(o.host, ':') ? "[%s]" : "%s";
    char hostbuf[NI_MAXHOST + 40];
    snprintf(hostbuf, sizeof hostbuf, shown, o.host);
    char named[NI_MAXHOST + 8] = "";
    if (strcmp(asked_host, o.host))
        snprintf(named, sizeof named, " (%s)", asked_host);
    const char *precision = prec == LSTM_PREC_BF16 ? ", bf16" : prec == LSTM_PREC_INT8 ? ", int8" : "";
    fprintf(stderr, "hrcast serve: model %s (%s%s, step %g s); listening on http://%s:%d/%s (Ctrl-C stops)\n",
            model, preds[0].kind, precision, (double)preds[0].step, hostbuf, serve_port(s), named);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "hrcast serve: %s, finishing requests in flight and stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    serve_stop(s);
    rc = 0;
out:
    for (int k = 0; k < loaded; k++)
        predictor_free(&preds[k]);
    free(preds);
    return rc;
}
