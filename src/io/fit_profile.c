/* fit_profile.c — the few FIT Profile enumerations hrcast needs as text: sport, sub_sport,
 * manufacturer and a handful of Garmin products, and the reverse mapping used by the writer. */
#include "io/fit_internal.h"
#include <string.h>
#include <strings.h>

static const char *const sports[] = {
    "generic", "running", "cycling", "transition", "fitness_equipment", "swimming", "basketball",
    "soccer", "tennis", "american_football", "training", "walking", "cross_country_skiing",
    "alpine_skiing", "snowboarding", "rowing", "mountaineering", "hiking", "multisport", "paddling",
    "flying", "e_biking", "motorcycling", "boating", "driving", "golf", "hang_gliding",
    "horseback_riding", "hunting", "fishing", "inline_skating", "rock_climbing", "sailing",
    "ice_skating", "sky_diving", "snowshoeing", "snowmobiling", "stand_up_paddleboarding", "surfing",
    "wakeboarding", "water_skiing", "kayaking", "rafting", "windsurfing", "kitesurfing",
};

struct named { unsigned num; const char *name; };

static const struct named sub_sports[] = {
    {0, "generic"}, {1, "treadmill"}, {2, "street"}, {3, "trail"}, {4, "track"}, {5, "spin"},
    {6, "indoor_cycling"}, {7, "road"}, {8, "mountain"}, {9, "downhill"}, {10, "recumbent"},
    {11, "cyclocross"}, {12, "hand_cycling"}, {13, "track_cycling"}, {14, "indoor_rowing"},
    {15, "elliptical"}, {16, "stair_climbing"}, {17, "lap_swimming"}, {18, "open_water"},
    {45, "indoor_running"}, {58, "virtual_activity"},
};

static const struct named manufacturers[] = {
    {1, "garmin"}, {13, "dynastream_oem"}, {15, "dynastream"}, {23, "suunto"}, {32, "wahoo_fitness"},
    {123, "polar"}, {255, "development"}, {260, "zwift"}, {265, "strava"}, {294, "coros"},
};

static const struct named garmin_products[] = {
    {717, "forerunner 405"}, {988, "forerunner 60"}, {1018, "forerunner 310xt"},
    {1036, "edge 500"}, {1124, "forerunner 110"}, {1169, "edge 800"}, {1328, "forerunner 910xt"},
    {1345, "forerunner 610"}, {1436, "forerunner 70"}, {1482, "forerunner 10"}, {1551, "fenix"},
    {1623, "forerunner 620"}, {1632, "forerunner 220"}, {1765, "forerunner 920xt"},
    {1967, "fenix 2"}, {2050, "fenix 3"}, {2153, "forerunner 225"}, {2156, "forerunner 630"},
    {2157, "forerunner 230"}, {2431, "forerunner 235"}, {2691, "forerunner 935"}, {2697, "fenix 5"},
};

static const char *lookup(const struct named *t, size_t n, unsigned num)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].num == num)
            return t[i].name;
    return NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *fit_sport_name(unsigned sport)
{
    if (sport < COUNT(sports))
        return sports[sport];
    return sport == 254 ? "all" : NULL;
}

const char *fit_sub_sport_name(unsigned s) { return lookup(sub_sports, COUNT(sub_sports), s); }
const char *fit_manufacturer_name(unsigned m) { return lookup(manufacturers, COUNT(manufacturers), m); }
const char *fit_garmin_product_name(unsigned p) { return lookup(garmin_products, COUNT(garmin_products), p); }

void fit_sport_from_name(const char *name, unsigned *sport, unsigned *sub_sport)
{
    static const struct { const char *alias; unsigned sport; } aliases[] = {
        {"run", 1}, {"treadmill", 1}, {"bike", 2}, {"ride", 2}, {"biking", 2}, {"swim", 5},
        {"walk", 11}, {"hike", 17},
    };
    char head[WK_SPORT_LEN];
    const char *slash = strchr(name, '/');
    size_t hl = slash ? (size_t)(slash - name) : strlen(name);
    if (hl >= sizeof head)
        hl = sizeof head - 1;
    memcpy(head, name, hl);
    head[hl] = '\0';
    *sport = 0;
    *sub_sport = 0;
    for (unsigned i = 0; i < COUNT(sports); i++)
        if (strcasecmp(head, sports[i]) == 0)
            *sport = i;
    for (size_t i = 0; i < COUNT(aliases); i++)
        if (strcasecmp(head, aliases[i].alias) == 0)
            *sport = aliases[i].sport;
    if (strcasecmp(head, "treadmill") == 0)
        *sub_sport = 1;
    if (slash)
        for (size_t i = 0; i < COUNT(sub_sports); i++)
            if (strcasecmp(slash + 1, sub_sports[i].name) == 0)
                *sub_sport = sub_sports[i].num;
}
