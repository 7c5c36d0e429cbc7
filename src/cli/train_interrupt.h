/* train_interrupt.h — Ctrl-C during `train` and `finetune`: the run stops after the current batch, keeps its
 * resume file, and the command that continues it is printed. */
#ifndef HRCAST_CLI_TRAIN_INTERRUPT_H
#define HRCAST_CLI_TRAIN_INTERRUPT_H
#include <stdio.h>

/* Installs the handler (a second Ctrl-C ends the process at once); returns the previous one for
 * train_interrupt_restore. */
void (*train_interrupt_catch(void))(int);
void train_interrupt_restore(void (*previous)(int));

/* "PROGRAM ARGS... --resume" (cli_command_line; --resume added once) on f: argv as the user typed it, before
 * getopt permuted it. */
void train_interrupt_print_resume(FILE *f, int argc, char **argv);

#endif
