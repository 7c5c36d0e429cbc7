/* commands.h — the subcommand table: one file per subcommand in src/cli/, each exporting
 * int cmd_<name>(int argc, char **argv) (argv[0] is the subcommand name) and a one-line summary. */
#ifndef HRCAST_CLI_COMMANDS_H
#define HRCAST_CLI_COMMANDS_H

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

extern const struct command hr_commands[];

int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_finetune(int argc, char **argv);
int cmd_fit_physio(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_animate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_card(int argc, char **argv);

#include "hrcast.h" /* HRCAST_VERSION */

#endif
