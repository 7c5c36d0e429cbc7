/* train_interrupt.c — see train_interrupt.h. */
#include "cli/train_interrupt.h"
#include "cli/cliutil.h"
#include "train/trainer.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void on_interrupt(int sig)
{
    train_request_stop();
    signal(sig, SIG_DFL);
}

void (*train_interrupt_catch(void))(int)
{
    return signal(SIGINT, on_interrupt);
}

void train_interrupt_restore(void (*previous)(int))
{
    signal(SIGINT, previous);
}

void train_interrupt_print_resume(FILE *f, int argc, char **argv)
{
    int has_resume = 0;
    for (int i = 0; i < argc; i++)
        has_resume |= !strcmp(argv[i], "--resume");
    char *cmd = cli_command_line(argc, argv);
    fprintf(f, "%s%s\n", cmd ? cmd : "hrcast", has_resume ? "" : " --resume");
    free(cmd);
}
