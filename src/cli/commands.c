/* commands.c — the table of subcommands that `hrcast help` lists and main() dispatches to. */
#include "cli/commands.h"
#include <stddef.h>

const struct command hr_commands[] = {
    {"demo", cmd_demo, "simulate, train, evaluate against baselines, write out/report.html"},
    {"import", cmd_import, "read FIT/TCX/GPX/CSV/FitRec files into a clean dataset"},
    {"info", cmd_info, "summarise a dataset: workouts, athletes, hours, rejections"},
    {"export", cmd_export, "write a dataset back out as CSV, JSON lines or Parquet (+ dataset card)"},
    {"simulate", cmd_simulate, "simulate runners and workouts into a dataset (and FIT/GPX/TCX files)"},
    {"train", cmd_train, "train the LSTM on a dataset's training split"},
    {"finetune", cmd_finetune, "adapt a general LSTM to one athlete from their earlier workouts"},
    {"fit-physio", cmd_fit_physio, "fit the physiological baseline (population and per athlete)"},
    {"eval", cmd_eval, "metrics against baselines on a stored split, figures and an HTML report"},
    {"predict", cmd_predict, "predict the heart rate of workout files with any model"},
    {"replay", cmd_replay, "replay a recording as if live: forecasts every minute (docs/live.md)"},
    {"card", cmd_card, "write a model's Hugging Face model card (README.md), with its eval metrics"},
    {"plot", cmd_plot, "a picture (PNG/SVG) of one workout: predicted vs recorded HR, pace, altitude"},
    {"animate", cmd_animate, "a GIF of one workout's predicted and recorded HR revealed over time"},
    {"plan", cmd_plan, "plan the pacing of a race on a course and predict its heart rate"},
    {"serve", cmd_serve, "web page and HTTP API: upload a workout, see its heart rate predicted"},
    {NULL, NULL, NULL},
};
