/* train_interrupt.c — see train_interrupt.h. */
#include "cli/train_interrupt.h"
#include "train/trainer.h"
#include <signal.h>
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

static void shell_word(FILE *f, const char *a)
{
    if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./:+,@%") == strlen(a)) {
        fputs(a, f);
        return;
    }
    fputc('\'', f);
    for (; *a; a++) {
        if (*a == '\'')
            fputs("'\\''", f);
        else
            fputc(*a, f);
    }
    fputc('\'', f);
}

void train_interrupt_print_resume(FILE *f, const char *program, int argc, char **argv)
{
    int has_resume = 0;
    shell_word(f, program ? program : "hrcast");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        has_resume |= !strcmp(a, "--resume");
        fputc(' ', f);
        shell_word(f, a);
    }
    fputs(has_resume ? "\n" : " --resume\n", f);
}
