/* main.c — the hrcast entry point: `hrcast help`, `hrcast --version`, dispatch to subcommands. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "util/fileio.h"
#include "nn/isa.h"
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "hrcast %s — predict a runner's heart rate from pace and terrain\n\n"
            "usage: hrcast COMMAND [options]\n\ncommands:\n",
            HRCAST_VERSION);
    for (const struct command *c = hr_commands; c->name; c++)
        fprintf(out, "  %-11s %s\n", c->name, c->summary);
    const char *prog = cli_program(); /* hints run as printed: build/hrcast before install */
    fprintf(out, "\n'%s COMMAND --help' shows a command's options and examples.\n"
                 "Example: %s import ~/runs -o runs.hrd && %s info runs.hrd\n", prog, prog, prog);
}

int main(int argc, char **argv)
{
    cli_set_program(argv[0]);
    atomic_cleanup_on_signals(); /* a command ended by Ctrl-C or kill leaves no temp file */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        if (argc > 2) {
            for (const struct command *c = hr_commands; c->name; c++)
                if (!strcmp(c->name, argv[2])) {
                    char *av[] = {argv[2], "--help", NULL};
                    return c->run(2, av);
                }
            fprintf(stderr, "hrcast: unknown command '%s'\n", argv[2]);
            return 2;
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("hrcast %s\n", HRCAST_VERSION);
        return 0;
    }
    char isa_err[200];
    if (nn_isa_check_env(isa_err, sizeof isa_err)) {
        fprintf(stderr, "hrcast: %s\n", isa_err);
        return 2;
    }
    for (const struct command *c = hr_commands; c->name; c++)
        if (!strcmp(c->name, cmd))
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "hrcast: unknown command '%s' (see '%s help')\n", cmd, cli_program());
    return 2;
}
