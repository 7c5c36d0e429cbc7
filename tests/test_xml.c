/* test_xml.c — tests of the TCX/GPX readers, their shared XML helpers and the TCX/GPX writers:
 * strict number and ISO 8601 time parsing, writer->reader round trips, namespace prefixes, several
 * activities/tracks, missing and bad fields, malformed XML, routes without time, and an integration
 * check over ../shared/data/real (point counts and durations against each folder's index.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "io/reader.h"
#include "io/xml_util.h"
#include "io/xml_write.h"
#include "support/testutil.h"
#include "util/log.h"

/* ---- a sink that keeps deep copies of up to MAXW workouts ---- */
#define MAXW 8
struct got {
    struct workout w[MAXW];
    int n;
    int stop_after; /* 0: never stop */
};

static int keep(void *ctx, struct workout *w)
{
    struct got *g = ctx;
    if (g->n < MAXW) {
        struct workout *c = &g->w[g->n];
        workout_init(c);
        assert_int_equal(workout_copy(c, w), 0);
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after;
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->n && i < MAXW; i++)
        workout_free(&g->w[i]);
    g->n = 0;
}

static int read_str(int (*rd)(const uint8_t *, size_t, const char *, const struct read_opts *,
                              workout_sink, void *, struct hr_err *),
                    const char *xml, struct got *g, struct hr_err *e, const char *fuzzer,
                    const char *seed)
{
    memset(g, 0, sizeof *g);
    if (fuzzer)
        seed_save(fuzzer, seed, xml, strlen(xml));
    e->msg[0] = '\0';
    return rd((const uint8_t *)xml, strlen(xml), "t.xml", NULL, keep, g, e);
}

/* ---- helpers ---- */

static void test_number_parsing(void **state)
{
    (void)state;
    double v;
    assert_int_equal(xml_parse_number(" 12.5 ", 6, &v), 0);
    assert_true(v == 12.5);
    assert_int_equal(xml_parse_number("-3e2", 4, &v), 0);
    assert_true(v == -300.0);
    assert_int_equal(xml_parse_number(".5", 2, &v), 0);
    assert_true(v == 0.5);
    const char *bad[] = {"", "  ", "NaN", "nan", "inf", "-Infinity", "0x10", "1e999", "12abc",
                         "1.2.3", "e5", "+", "1e", "--1", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(xml_parse_number(bad[i], strlen(bad[i]), &v), -1);
}

static double T(const char *s)
{
    double v = -1;
    assert_int_equal(xml_parse_time(s, strlen(s), &v), 0);
    return v;
}

static void test_time_parsing(void **state)
{
    (void)state;
    assert_true(T("1970-01-01T00:00:00Z") == 0.0);
    assert_true(T("2018-01-21T10:10:59.000Z") == 1516529459.0);
    assert_true(T("2018-01-21T10:10:59Z") == T("2018-01-21T11:10:59+01:00"));
    assert_true(T("2018-01-21T10:10:59Z") == T("2018-01-21T05:40:59-0430"));
    assert_true(T("2018-01-21T10:10:59Z") == T("2018-01-21T12:10:59+02"));
    assert_true(T("2018-01-21T10:10:59Z") == T("2018-01-21 10:10:59")); /* no zone: UTC */
    assert_true(fabs(T("2020-08-16T10:06:00.150000Z") - 1597572360.15) < 1e-6);
    assert_true(T("2016-02-29T00:00:00Z") == 1456704000.0);
    assert_true(T("1969-12-31T23:59:59Z") == -1.0);
    const char *bad[] = {"", "2018-13-01T00:00:00Z", "2018-02-29T00:00:00Z", "2018-01-21T24:00:00Z",
                         "2018-01-21T10:10Z", "2018-01-21T10:10:59+1:00", "2018-01-21T10:10:59Zjunk",
                         "2018-01-21", "yesterday", "2018-01-21T10:10:59.Z", "2018-01-21T10:10:59+15:00"};
    double v;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(xml_parse_time(bad[i], strlen(bad[i]), &v), -1);
    char buf[64];
    xml_format_time(1597572360.15, buf, sizeof buf);
    assert_string_equal(buf, "2020-08-16T10:06:00.150Z");
    xml_format_time(-1.0, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    assert_string_equal(xml_local_name("ns3:TPX"), "TPX");
    assert_string_equal(xml_local_name("hr"), "hr");
}

/* ---- writer -> reader round trips ---- */

static void make_workout(struct workout *w, size_t n, unsigned seed)
{
    workout_init(w);
    assert_int_equal(workout_reserve(w, n), 0);
    double t0 = 1600000000.0 + seed * 86400.0;
    for (size_t i = 0; i < n; i++) {
        long k = workout_push(w, t0 + (double)i * 1.25);
        w->hr[k] = (float)(100 + (i * 7 + seed) % 80);
        w->speed[k] = (float)(2.5 + 0.001 * (double)((i * 13) % 1000));
        w->dist[k] = (float)(3.0 * (double)i);
        w->lat[k] = 47.1234567 + 1e-5 * (double)i;
        w->lon[k] = -122.7654321 - 2e-5 * (double)i;
        w->alt[k] = (float)(100.0 + 0.25 * (double)(i % 40));
    }
    /* Holes: every channel missing somewhere. */
    w->hr[3] = NAN;
    w->speed[5] = NAN;
    w->dist[7] = NAN;
    w->lat[9] = w->lon[9] = NAN;
    w->alt[11] = NAN;
    w->start_time = w->time[0];
    workout_set_sport(w, "running");
    snprintf(w->device, sizeof w->device, "Forerunner <945> & co");
}

static char *write_mem(enum xml_write_format fmt, const struct workout *const *ws, size_t nw,
                       size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    struct hr_err e;
    int rc = fmt == XML_WRITE_TCX ? tcx_write(f, ws, nw, &e) : gpx_write(f, ws, nw, &e);
    assert_int_equal(rc, 0);
    fclose(f);
    return buf;
}

static void same_float(float a, float b, float tol)
{
    if (isnan(a) || isnan(b)) {
        assert_true(isnan(a) && isnan(b));
        return;
    }
    assert_true(fabsf(a - b) <= tol);
}

static void compare(const struct workout *a, const struct workout *b, int with_dist)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_true(fabs(a->time[i] - b->time[i]) < 1e-3);
        same_float(a->hr[i], b->hr[i], 0.0f);
        same_float(a->speed[i], b->speed[i], 1e-3f);
        if (with_dist)
            same_float(a->dist[i], b->dist[i], 1e-2f);
        else
            assert_true(isnan(b->dist[i]));
        same_float(a->alt[i], b->alt[i], 1e-2f);
        if (isnan(a->lat[i])) {
            assert_true(isnan(b->lat[i]) && isnan(b->lon[i]));
        } else {
            assert_true(fabs(a->lat[i] - b->lat[i]) < 1e-7);
            assert_true(fabs(a->lon[i] - b->lon[i]) < 1e-7);
        }
    }
    assert_true(a->start_time == b->start_time);
    assert_string_equal(a->sport, b->sport);
    assert_string_equal(a->device, b->device);
}

static void roundtrip(enum xml_write_format fmt)
{
    struct workout w[2];
    make_workout(&w[0], 300, 0);
    make_workout(&w[1], 40, 1);
    const struct workout *ws[2] = {&w[0], &w[1]};
    size_t len;
    char *buf = write_mem(fmt, ws, 1, &len);
    struct got g;
    struct hr_err e;
    int (*rd)(const uint8_t *, size_t, const char *, const struct read_opts *, workout_sink, void *,
              struct hr_err *) = fmt == XML_WRITE_TCX ? tcx_read : gpx_read;
    const char *fz = fmt == XML_WRITE_TCX ? "fuzz_tcx" : "fuzz_gpx";
    assert_int_equal(read_str(rd, buf, &g, &e, fz, "roundtrip_one"), 0);
    assert_int_equal(g.n, 1);
    compare(&w[0], &g.w[0], fmt == XML_WRITE_TCX);
    assert_string_equal(g.w[0].source, "t.xml");
    got_free(&g);
    free(buf);

    /* Two workouts in one file, numbered sources. */
    buf = write_mem(fmt, ws, 2, &len);
    assert_int_equal(read_str(rd, buf, &g, &e, fz, "roundtrip_two"), 0);
    assert_int_equal(g.n, 2);
    compare(&w[1], &g.w[1], fmt == XML_WRITE_TCX);
    assert_string_equal(g.w[0].source, "t.xml#1");
    assert_string_equal(g.w[1].source, "t.xml#2");
    got_free(&g);

    /* Through the file path, with format detection. */
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/w.%s", dir, fmt == XML_WRITE_TCX ? "tcx" : "gpx");
    assert_int_equal(xml_write_path(path, fmt, &w[0], &e), 0);
    memset(&g, 0, sizeof g);
    assert_int_equal(io_read_path(path, NULL, keep, &g, &e), 0);
    assert_int_equal(g.n, 1);
    compare(&w[0], &g.w[0], fmt == XML_WRITE_TCX);
    assert_string_equal(g.w[0].source, path);
    got_free(&g);
    remove_temp_dir(dir);
    free(dir);
    free(buf);
    workout_free(&w[0]);
    workout_free(&w[1]);
}

static void test_tcx_roundtrip(void **state)
{
    (void)state;
    roundtrip(XML_WRITE_TCX);
}

static void test_gpx_roundtrip(void **state)
{
    (void)state;
    roundtrip(XML_WRITE_GPX);
}

static void test_elapsed_times_get_start_time(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 10, 2);
    double start = w.start_time;
    for (size_t i = 0; i < w.n; i++)
        w.time[i] -= start; /* elapsed from 0, start_time holds the date */
    const struct workout *ws[1] = {&w};
    size_t len;
    char *buf = write_mem(XML_WRITE_GPX, ws, 1, &len);
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(gpx_read, buf, &g, &e, NULL, NULL), 0);
    assert_true(g.w[0].start_time == start);
    assert_true(fabs(g.w[0].time[9] - (start + 9 * 1.25)) < 1e-3);
    got_free(&g);
    free(buf);
    workout_free(&w);
}

/* ---- hand-written snippets ---- */

static const char TCX_PREFIXED[] =
    "<?xml version=\"1.0\"?>\n"
    "<tcx:TrainingCenterDatabase xmlns:tcx=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\""
    " xmlns:ax=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\">\n"
    " <tcx:Activities><tcx:Activity Sport=\"Running\"><tcx:Id>2016-04-10T18:40:58.000+01:00</tcx:Id>\n"
    "  <tcx:Lap StartTime=\"2016-04-10T18:40:58.000+01:00\"><tcx:DistanceMeters>999</tcx:DistanceMeters>\n"
    "   <tcx:Track>\n"
    "    <tcx:Trackpoint><tcx:Time>2016-04-10T18:40:59.500+01:00</tcx:Time>\n"
    "     <tcx:Position><tcx:LatitudeDegrees>50.5</tcx:LatitudeDegrees>"
    "<tcx:LongitudeDegrees>20.25</tcx:LongitudeDegrees></tcx:Position>\n"
    "     <tcx:AltitudeMeters>206.5</tcx:AltitudeMeters><tcx:DistanceMeters>1.5</tcx:DistanceMeters>\n"
    "     <tcx:HeartRateBpm><tcx:Value>125</tcx:Value></tcx:HeartRateBpm>\n"
    "     <tcx:Extensions><ax:TPX><ax:Speed>2.75</ax:Speed><ax:RunCadence>80</ax:RunCadence></ax:TPX>"
    "</tcx:Extensions>\n"
    "    </tcx:Trackpoint>\n"
    "    <tcx:Trackpoint><tcx:Time>2016-04-10T17:41:01Z</tcx:Time>\n"
    "     <tcx:Extensions><TPX xmlns=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\">"
    "<Speed>3</Speed></TPX></tcx:Extensions>\n"
    "    </tcx:Trackpoint>\n"
    "   </tcx:Track></tcx:Lap>\n"
    "  <tcx:Creator><tcx:Name>Polar M400</tcx:Name></tcx:Creator>\n"
    " </tcx:Activity></tcx:Activities>\n"
    " <tcx:Author><tcx:Name>Some Software</tcx:Name></tcx:Author>\n"
    "</tcx:TrainingCenterDatabase>\n";

static void test_tcx_prefixes_and_zones(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(tcx_read, TCX_PREFIXED, &g, &e, "fuzz_tcx", "prefixed"), 0);
    assert_int_equal(g.n, 1);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 2);
    assert_true(w->time[0] == T("2016-04-10T17:40:59.5Z"));
    assert_true(w->time[1] == T("2016-04-10T17:41:01Z"));
    assert_true(w->start_time == w->time[0]);
    assert_true(w->lat[0] == 50.5 && w->lon[0] == 20.25);
    assert_true(w->alt[0] == 206.5f && w->dist[0] == 1.5f && w->hr[0] == 125.0f && w->speed[0] == 2.75f);
    assert_true(isnan(w->lat[1]) && isnan(w->alt[1]) && isnan(w->dist[1]) && isnan(w->hr[1]));
    assert_true(w->speed[1] == 3.0f);
    assert_string_equal(w->sport, "running");
    assert_string_equal(w->device, "Polar M400");
    got_free(&g);
}

static const char TCX_MULTI[] =
    "<TrainingCenterDatabase><Activities>\n"
    "<Activity Sport=\"Biking\"><Id>2012-01-19T10:30:21Z</Id><Lap StartTime=\"2012-01-19T10:30:21Z\"><Track>\n"
    " <Trackpoint><Time>2012-01-19T10:30:21Z</Time><HeartRateBpm><Value>90</Value></HeartRateBpm></Trackpoint>\n"
    " <Trackpoint><Time>2012-01-19T10:30:26Z</Time></Trackpoint>\n"
    "</Track></Lap></Activity>\n"
    "<Activity Sport=\"Other\"><Id>2012-01-20T00:00:00Z</Id><Lap StartTime=\"2012-01-20T00:00:00Z\"/></Activity>\n"
    "<Activity Sport=\"Running\"><Id>2012-01-21T08:00:00Z</Id><Lap><Track>\n"
    " <Trackpoint><Time>2012-01-21T08:00:00Z</Time><DistanceMeters>0</DistanceMeters></Trackpoint>\n"
    "</Track></Lap><Lap><Track>\n"
    " <Trackpoint><Time>2012-01-21T08:00:04Z</Time><DistanceMeters>12</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><DistanceMeters>13</DistanceMeters></Trackpoint>\n"
    "</Track></Lap></Activity>\n"
    "</Activities></TrainingCenterDatabase>";

static void test_tcx_several_activities(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(tcx_read, TCX_MULTI, &g, &e, "fuzz_tcx", "multi"), 0);
    assert_int_equal(g.n, 2); /* the Activity without trackpoints is dropped */
    assert_string_equal(g.w[0].sport, "biking");
    assert_string_equal(g.w[0].source, "t.xml#1");
    assert_int_equal(g.w[0].n, 2);
    assert_true(g.w[0].hr[0] == 90.0f && isnan(g.w[0].hr[1]));
    assert_string_equal(g.w[1].sport, "running");
    assert_string_equal(g.w[1].source, "t.xml#2");
    assert_int_equal(g.w[1].n, 3); /* laps concatenate; a point without Time keeps time NaN */
    assert_true(g.w[1].dist[1] == 12.0f && isnan(g.w[1].time[2]) && g.w[1].dist[2] == 13.0f);
    assert_true(g.w[1].start_time == T("2012-01-21T08:00:00Z"));
    got_free(&g);

    /* The sink can stop the reader: returns 0 after the first workout. */
    memset(&g, 0, sizeof g);
    g.stop_after = 1;
    assert_int_equal(tcx_read((const uint8_t *)TCX_MULTI, strlen(TCX_MULTI), "t.xml", NULL, keep, &g, &e), 0);
    assert_int_equal(g.n, 1);
    got_free(&g);
}

/* Lap-relative DistanceMeters (each Lap from 0 again) go on from the previous lap's end; cumulative ones
 * (and a small step back at a lap's start) are kept as written; a new Activity starts from 0 */
static const char TCX_LAP_DISTANCES[] =
    "<TrainingCenterDatabase><Activities>\n"
    "<Activity Sport=\"Running\"><Id>2024-05-01T07:00:00Z</Id>\n"
    "<Lap><Track><Trackpoint><Time>2024-05-01T07:00:00Z</Time><DistanceMeters>0</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><Time>2024-05-01T07:05:00Z</Time><DistanceMeters>900</DistanceMeters></Trackpoint></Track></Lap>\n"
    "<Lap><Track><Trackpoint><Time>2024-05-01T07:05:01Z</Time><DistanceMeters>3</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><Time>2024-05-01T07:10:00Z</Time><DistanceMeters>900</DistanceMeters></Trackpoint></Track></Lap>\n"
    "<Lap><Track><Trackpoint><Time>2024-05-01T07:10:01Z</Time><DistanceMeters>2</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><Time>2024-05-01T07:15:00Z</Time><DistanceMeters>500</DistanceMeters></Trackpoint></Track></Lap>\n"
    "</Activity>\n"
    "<Activity Sport=\"Running\"><Id>2024-05-02T07:00:00Z</Id>\n"
    "<Lap><Track><Trackpoint><Time>2024-05-02T07:00:00Z</Time><DistanceMeters>0</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><Time>2024-05-02T07:05:00Z</Time><DistanceMeters>900</DistanceMeters></Trackpoint></Track></Lap>\n"
    "<Lap><Track><Trackpoint><Time>2024-05-02T07:05:01Z</Time><DistanceMeters>880</DistanceMeters></Trackpoint>\n"
    " <Trackpoint><Time>2024-05-02T07:10:00Z</Time><DistanceMeters>1800</DistanceMeters></Trackpoint></Track></Lap>\n"
    "</Activity></Activities></TrainingCenterDatabase>";

static void test_tcx_lap_relative_distances(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(tcx_read, TCX_LAP_DISTANCES, &g, &e, "fuzz_tcx", "lap_distances"), 0);
    assert_int_equal(g.n, 2);
    const float want0[] = {0, 900, 903, 1800, 1802, 2300};
    assert_int_equal(g.w[0].n, 6);
    for (int i = 0; i < 6; i++)
        assert_true(g.w[0].dist[i] == want0[i]);
    const float want1[] = {0, 900, 880, 1800}; /* cumulative, a 20 m step back: as written */
    assert_int_equal(g.w[1].n, 4);
    for (int i = 0; i < 4; i++)
        assert_true(g.w[1].dist[i] == want1[i]);
    got_free(&g);
}

static const char TCX_MULTISPORT[] =
    "<TrainingCenterDatabase><Activities><MultiSportSession><Id>2013-04-18T16:14:21Z</Id>\n"
    "<FirstSport><Activity Sport=\"Biking\"><Id>2013-04-18T16:14:21Z</Id><Lap StartTime=\"2013-04-18T16:14:21Z\">"
    "<Track><Trackpoint><Time>2013-04-18T16:14:21Z</Time></Trackpoint></Track></Lap></Activity></FirstSport>\n"
    "<NextSport><Activity Sport=\"Running\"><Id>2013-04-18T17:00:00Z</Id><Lap StartTime=\"2013-04-18T17:00:00Z\">"
    "<Track><Trackpoint><Time>2013-04-18T17:00:00Z</Time></Trackpoint>"
    "<Trackpoint><Time>2013-04-18T17:00:05Z</Time></Trackpoint></Track></Lap></Activity></NextSport>\n"
    "</MultiSportSession></Activities></TrainingCenterDatabase>";

static void test_tcx_multisport_legs(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(tcx_read, TCX_MULTISPORT, &g, &e, "fuzz_tcx", "multisport"), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.w[0].leg, 1);
    assert_int_equal(g.w[1].leg, 2);
    assert_string_equal(g.w[1].sport, "running");
    assert_int_equal(g.w[1].n, 2);
    got_free(&g);
}

static const char GPX_VARIANTS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<gpx version=\"1.1\" creator=\"Huami Amazfit\" xmlns=\"http://www.topografix.com/GPX/1/1\"\n"
    "  xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\"\n"
    "  xmlns:ns3=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\"\n"
    "  xmlns:gpxdata=\"http://www.cluetrust.com/XML/GPXDATA/1/0\">\n"
    " <metadata><name>x</name><time>2018-05-14T09:54:10Z</time></metadata>\n"
    " <trk><name>Morning</name><type>9</type><trkseg>\n"
    "  <trkpt lat=\"60.5\" lon=\"24.25\"><ele>23.5</ele><time>2018-05-14T09:54:12Z</time>\n"
    "   <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>101</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
    "  <trkpt lat=\"60.6\" lon=\"24.35\"><time>2018-05-14T11:54:13+02:00</time>\n"
    "   <extensions><ns3:TrackPointExtension><ns3:hr>102</ns3:hr><ns3:speed>3.5</ns3:speed></ns3:TrackPointExtension></extensions></trkpt>\n"
    "  </trkseg><trkseg>\n"
    "  <trkpt lat=\"60.7\" lon=\"24.45\"><time>2018-05-14T09:54:14.250Z</time>\n"
    "   <extensions><heartrate>103</heartrate><ns3:TrackPointExtension><ns3:hr>999</ns3:hr></ns3:TrackPointExtension></extensions></trkpt>\n"
    "  <trkpt lat=\"60.8\" lon=\"24.55\"><time>2018-05-14T09:54:15Z</time>\n"
    "   <extensions><hr>104</hr><gpxdata:distance>17.5</gpxdata:distance></extensions></trkpt>\n"
    "  <trkpt lat=\"60.9\" lon=\"24.65\"><time>2018-05-14T09:54:16Z</time>\n"
    "   <extensions><gpxdata:hr>105.5</gpxdata:hr><gpxdata:speed>2.5</gpxdata:speed></extensions></trkpt>\n"
    " </trkseg></trk>\n"
    " <trk><type>Running</type><trkseg><trkpt lat=\"1\" lon=\"2\"><time>2018-05-15T00:00:00Z</time></trkpt></trkseg></trk>\n"
    "</gpx>\n";

static void test_gpx_hr_variants_and_tracks(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(gpx_read, GPX_VARIANTS, &g, &e, "fuzz_gpx", "variants"), 0);
    assert_int_equal(g.n, 2);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 5); /* trksegs of one trk concatenate */
    const float hr[5] = {101, 102, 103, 104, 105.5f};
    for (int i = 0; i < 5; i++)
        assert_true(w->hr[i] == hr[i]);
    assert_true(w->speed[1] == 3.5f && w->speed[4] == 2.5f && isnan(w->speed[0]));
    assert_true(w->dist[3] == 17.5f && isnan(w->dist[0]));
    assert_true(w->alt[0] == 23.5f && isnan(w->alt[1]));
    assert_true(w->lat[4] == 60.9 && w->lon[4] == 24.65);
    assert_true(w->time[1] == T("2018-05-14T09:54:13Z"));
    assert_true(fabs(w->time[2] - T("2018-05-14T09:54:14Z") - 0.25) < 1e-9);
    assert_true(w->start_time == T("2018-05-14T09:54:12Z"));
    assert_string_equal(w->sport, "running");
    assert_string_equal(w->device, "Huami Amazfit");
    assert_string_equal(w->source, "t.xml#1");
    assert_string_equal(g.w[1].sport, "running");
    assert_string_equal(g.w[1].source, "t.xml#2");
    got_free(&g);
}

static const char GPX_ROUTE[] =
    "<gpx version=\"1.1\" creator=\"planner\"><wpt lat=\"5\" lon=\"5\"><name>start</name></wpt>\n"
    "<rte><name>Hill loop</name><type>running</type>\n"
    " <rtept lat=\"46.0\" lon=\"7.0\"><ele>1000</ele></rtept>\n"
    " <rtept lat=\"46.001\" lon=\"7.001\"><ele>1010.5</ele></rtept>\n"
    " <rtept lat=\"46.002\" lon=\"7.002\"/>\n"
    "</rte></gpx>";

static void test_gpx_route_without_time(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(gpx_read, GPX_ROUTE, &g, &e, "fuzz_gpx", "route"), 0);
    assert_int_equal(g.n, 1);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 3);
    for (int i = 0; i < 3; i++)
        assert_true(isnan(w->time[i]) && isnan(w->hr[i]));
    assert_true(w->lat[2] == 46.002 && w->lon[2] == 7.002);
    assert_true(w->alt[1] == 1010.5f && isnan(w->alt[2]));
    assert_true(isnan(w->start_time));
    assert_string_equal(w->sport, "running");
    got_free(&g);
}

/* trk/name is the title; metadata/author/name (a person) is not; metadata/name stands in for a track
 * without a name; GPX 1.0's gpx/name as well; a point's name is no title. */
static void test_gpx_titles(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    const char *gpx = "<gpx version=\"1.1\"><metadata><author><name>Jane</name></author><name>Alps week</name></metadata>"
                      "<trk><trkpt lat=\"1\" lon=\"2\"><name>pt</name><time>2024-01-01T10:00:00Z</time></trkpt>"
                      "<name>  Morning\tRun </name></trk>"
                      "<trk><trkpt lat=\"1\" lon=\"2\"><time>2024-01-02T10:00:00Z</time></trkpt></trk></gpx>";
    assert_int_equal(read_str(gpx_read, gpx, &g, &e, "fuzz_gpx", "titles"), 0);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.w[0].title, "Morning Run");
    assert_string_equal(g.w[1].title, "Alps week");
    got_free(&g);
    const char *v10 = "<gpx version=\"1.0\"><name>Old file</name><author>Jane</author>"
                      "<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    assert_int_equal(read_str(gpx_read, v10, &g, &e, NULL, NULL), 0);
    assert_string_equal(g.w[0].title, "Old file");
    got_free(&g);
    const char *none = "<gpx><metadata><author><name>Jane</name></author></metadata>"
                       "<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
    assert_int_equal(read_str(gpx_read, none, &g, &e, NULL, NULL), 0);
    assert_string_equal(g.w[0].title, "");
    got_free(&g);
}

/* A long title is cut on a UTF-8 character boundary, never inside a character. */
static void test_title_cut_on_a_character(void **state)
{
    (void)state;
    struct workout w;
    workout_init(&w);
    char t[300];
    size_t k = 0;
    t[k++] = 'a';
    t[k++] = 'b'; /* then two-byte characters: byte 127 (the last that fits) is the second half of one */
    while (k + 2 < sizeof t) {
        t[k++] = (char)0xC3;
        t[k++] = (char)0xA9; /* e acute */
    }
    t[k] = '\0';
    workout_set_title(&w, t);
    assert_int_equal(strlen(w.title), 126);
    assert_int_equal((unsigned char)w.title[125], 0xA9);
    workout_set_title(&w, "\n\tLine one\nline two  ");
    assert_string_equal(w.title, "Line one line two");
    workout_free(&w);
}

static void test_bad_values_become_missing(void **state)
{
    (void)state;
    const char *gpx =
        "<gpx><trk><trkseg>\n"
        "<trkpt lat=\"NaN\" lon=\"7\"><ele>1e999</ele><time>2018-05-14T09:54:12Z</time>"
        "<extensions><hr>nan</hr></extensions></trkpt>\n"
        "<trkpt lat=\"95\" lon=\"7\"><ele>12abc</ele><time>not a time</time>"
        "<extensions><hr>1e30</hr></extensions></trkpt>\n"
        "<trkpt lat=\"45\" lon=\"7\"><ele></ele><time>2018-05-14T09:54:14Z</time>"
        "<extensions><hr>150</hr></extensions></trkpt>\n"
        "</trkseg></trk></gpx>";
    struct got g;
    struct hr_err e;
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    int rc = read_str(gpx_read, gpx, &g, &e, "fuzz_gpx", "bad_values");
    hr_log_set_level(lvl);
    assert_int_equal(rc, 0);
    assert_int_equal(g.n, 1);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 3);
    for (int i = 0; i < 2; i++)
        assert_true(isnan(w->lat[i]) && isnan(w->lon[i]) && isnan(w->alt[i]) && isnan(w->hr[i]));
    assert_true(isnan(w->time[1]) && !isnan(w->time[0]));
    assert_true(w->hr[2] == 150.0f && w->lat[2] == 45.0 && isnan(w->alt[2]));
    got_free(&g);

    const char *tcx = "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\"><Lap><Track>"
                      "<Trackpoint><Time>2018-05-14T09:54:14Z</Time><HeartRateBpm><Value>inf</Value>"
                      "</HeartRateBpm><DistanceMeters>-5</DistanceMeters><Extensions><TPX><Speed>1e308"
                      "</Speed></TPX></Extensions></Trackpoint>"
                      "</Track></Lap></Activity></Activities></TrainingCenterDatabase>";
    hr_log_set_level(HR_LOG_QUIET);
    rc = read_str(tcx_read, tcx, &g, &e, "fuzz_tcx", "bad_values");
    hr_log_set_level(lvl);
    assert_int_equal(rc, 0);
    assert_true(isnan(g.w[0].hr[0]) && isnan(g.w[0].dist[0]) && isnan(g.w[0].speed[0]));
    got_free(&g);
}

static void test_malformed_and_empty(void **state)
{
    (void)state;
    struct got g;
    struct hr_err e;
    /* Truncated: the error names the line. */
    const char *trunc = "<?xml version=\"1.0\"?>\n<gpx>\n<trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\">\n<ele>5</ele";
    assert_int_equal(read_str(gpx_read, trunc, &g, &e, "fuzz_gpx", "truncated"), -1);
    assert_non_null(strstr(e.msg, "t.xml: "));
    assert_non_null(strstr(e.msg, "(line 5)"));
    assert_int_equal(g.n, 0);
    /* Mismatched tag on line 3. */
    const char *mis = "<TrainingCenterDatabase>\n<Activities><Activity>\n<Lap></Track>\n</Activities>";
    assert_int_equal(read_str(tcx_read, mis, &g, &e, "fuzz_tcx", "mismatched"), -1);
    assert_non_null(strstr(e.msg, "(line 3)"));
    assert_non_null(strstr(e.msg, "mismatched tag"));
    /* Empty and white space only. */
    assert_int_equal(read_str(tcx_read, "", &g, &e, NULL, NULL), -1);
    assert_non_null(strstr(e.msg, "empty file"));
    assert_int_equal(read_str(gpx_read, " \n\t ", &g, &e, NULL, NULL), -1);
    assert_non_null(strstr(e.msg, "empty file"));
    /* Well-formed but without points. */
    assert_int_equal(read_str(gpx_read, "<gpx><wpt lat=\"1\" lon=\"2\"/><trk/></gpx>", &g, &e, NULL, NULL), -1);
    assert_non_null(strstr(e.msg, "no track or route points"));
    assert_int_equal(read_str(tcx_read, "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\">"
                                        "<Lap/></Activity></Activities></TrainingCenterDatabase>",
                              &g, &e, NULL, NULL),
                     -1);
    assert_non_null(strstr(e.msg, "no trackpoints"));
    /* Entity expansion (billion laughs) is refused, not expanded. */
    const char *lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [\n<!ENTITY a \"aaaaaaaaaa\">\n"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<gpx>&b;</gpx>";
    assert_int_equal(read_str(gpx_read, lol, &g, &e, "fuzz_gpx", "entities"), -1);
    assert_non_null(strstr(e.msg, "entity"));
    /* White space before the declaration (Strava) is accepted; later errors keep file lines. */
    const char *lead = "  \n  <?xml version=\"1.0\"?>\n<gpx>\n<trk>\n</gpx>";
    assert_int_equal(read_str(gpx_read, lead, &g, &e, NULL, NULL), -1);
    assert_non_null(strstr(e.msg, "(line 5)"));
    assert_non_null(strstr(e.msg, "t.xml: 41 "));
    /* Garbage bytes. */
    const char junk[] = "<gpx>\x01\x02</gpx>";
    assert_int_equal(read_str(gpx_read, junk, &g, &e, NULL, NULL), -1);
    assert_non_null(strstr(e.msg, "(line 1)"));
}

/* Points and workouts nested in odd places (found by fuzzing): state is tied to element depth. */
static void test_odd_nesting(void **state)
{
    (void)state;
    const char *tcx =
        "<TrainingCenterDatabase><Activities><Actitity><Lap><Track><Trackpoint><Time>\n"
        "<Activity Sport=\"Running\"><Lap><Track><Trackpoint><Time>2012-01-21T08:00:00Z</Time></Trackpoint>"
        "</Track></Lap></Activity>\n"
        "<Activity Sport=\"Running\"><Lap><Track><Trackpoint><HeartRateBpm><Value>100</Value></HeartRateBpm>"
        "</Trackpoint></Track></Lap></Activity>\n"
        "</Time></Trackpoint></Track></Lap></Actitity></Activities></TrainingCenterDatabase>";
    struct got g;
    struct hr_err e;
    assert_int_equal(read_str(tcx_read, tcx, &g, &e, "fuzz_tcx", "odd_nesting"), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.w[0].n, 1);
    assert_int_equal(g.w[1].n, 1);
    assert_true(g.w[1].hr[0] == 100.0f && isnan(g.w[1].time[0]));
    got_free(&g);
    const char *gpx = "<gpx><x><trkpt lat=\"1\" lon=\"1\"><time>\n"
                      "<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk>\n"
                      "<trk><trkseg><trkpt lat=\"3\" lon=\"4\"><ele>5</ele><trkpt><ele>6</ele></trkpt></trkpt>"
                      "</trkseg></trk>\n</time></trkpt></x></gpx>";
    assert_int_equal(read_str(gpx_read, gpx, &g, &e, "fuzz_gpx", "odd_nesting"), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.w[1].n, 1); /* a point inside a point is not a second point */
    assert_true(g.w[1].alt[0] == 6.0f && g.w[1].lat[0] == 3.0); /* last ele wins */
    got_free(&g);
}

static void test_dispatch_gzip_buffer(void **state)
{
    (void)state;
    uLongf cap = compressBound(sizeof GPX_ROUTE) + 64;
    uint8_t *gz = malloc(cap);
    /* gzip wrapper via deflateInit2 with windowBits 31. */
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)GPX_ROUTE;
    zs.avail_in = sizeof GPX_ROUTE - 1;
    zs.next_out = gz;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    struct got g;
    memset(&g, 0, sizeof g);
    struct hr_err e;
    assert_int_equal(io_read_buffer(gz, n, "up.gpx.gz", NULL, keep, &g, &e), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.w[0].n, 3);
    got_free(&g);
    free(gz);
}

/* ---- integration over ../shared/data/real ---- */

struct tally {
    size_t n, nhr, ngps, nalt;
    double tmin, tmax;
};

static int tally_sink(void *ctx, struct workout *w)
{
    struct tally *t = ctx;
    t->n += w->n;
    for (size_t i = 0; i < w->n; i++) {
        t->nhr += !isnan(w->hr[i]);
        t->ngps += !isnan(w->lat[i]);
        t->nalt += !isnan(w->alt[i]);
        if (isnan(w->time[i]))
            continue;
        if (isnan(t->tmin) || w->time[i] < t->tmin)
            t->tmin = w->time[i];
        if (isnan(t->tmax) || w->time[i] > t->tmax)
            t->tmax = w->time[i];
    }
    return 0;
}

static void test_real_data_index(void **state)
{
    (void)state;
    const char *root = real_data_dir();
    if (!root) {
        printf("real data folder not found (../shared/data/real); skipping\n");
        skip();
    }
    DIR *d = opendir(root);
    assert_non_null(d);
    int files = 0, read_ok = 0, n_ok = 0, dur_ok = 0, both_ok = 0, chan_ok = 0;
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char idx[1024];
        snprintf(idx, sizeof idx, "%s/%s/index.tsv", root, de->d_name);
        FILE *f = fopen(idx, "r");
        if (!f)
            continue;
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            char *col[12] = {0};
            int k = 0;
            for (char *p = line; k < 12 && p;) {
                col[k++] = p;
                p = strchr(p, '\t');
                if (p)
                    *p++ = '\0';
            }
            if (k < 10 || (strcmp(col[1], "tcx") != 0 && strcmp(col[1], "gpx") != 0))
                continue;
            files++;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s/%s", root, de->d_name, col[0]);
            struct tally t = {0, 0, 0, 0, NAN, NAN};
            struct hr_err e;
            if (io_read_path(path, NULL, tally_sink, &t, &e) != 0) {
                printf("  read failed: %s\n", e.msg);
                continue;
            }
            read_ok++;
            long want_n = strtol(col[3], NULL, 10);
            double want_dur = strtod(col[8], NULL);
            double dur = t.tmax - t.tmin;
            int nok = (long)t.n == want_n, dok = fabs(dur - want_dur) <= 1.0;
            n_ok += nok;
            dur_ok += dok;
            both_ok += nok && dok;
            if (!nok || !dok)
                printf("  mismatch %s/%s: n %zu vs %ld, duration %.1f vs %.1f s\n", de->d_name, col[0],
                       t.n, want_n, dur, want_dur);
            long want_hr = strtol(col[4], NULL, 10), want_gps = strtol(col[6], NULL, 10),
                 want_alt = strtol(col[7], NULL, 10);
            int cok = (long)t.nhr == want_hr && (long)t.ngps == want_gps && (long)t.nalt == want_alt;
            chan_ok += cok;
            if (!cok)
                printf("  channel counts differ %s/%s: hr %zu vs %ld, gps %zu vs %ld, alt %zu vs %ld\n",
                       de->d_name, col[0], t.nhr, want_hr, t.ngps, want_gps, t.nalt, want_alt);
        }
        fclose(f);
    }
    closedir(d);
    hr_log_set_level(lvl);
    printf("real TCX/GPX: %d files, %d read, points agree %d, duration agrees (1 s) %d, both %d, "
           "HR/GPS/altitude counts agree %d\n",
           files, read_ok, n_ok, dur_ok, both_ok, chan_ok);
    assert_true(files > 0);
    assert_int_equal(read_ok, files);
    assert_true(both_ok * 10 >= files * 9);
    assert_true(chan_ok * 10 >= files * 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_parsing),
        cmocka_unit_test(test_time_parsing),
        cmocka_unit_test(test_tcx_roundtrip),
        cmocka_unit_test(test_gpx_titles),
        cmocka_unit_test(test_title_cut_on_a_character),
        cmocka_unit_test(test_gpx_roundtrip),
        cmocka_unit_test(test_elapsed_times_get_start_time),
        cmocka_unit_test(test_tcx_prefixes_and_zones),
        cmocka_unit_test(test_tcx_several_activities),
        cmocka_unit_test(test_tcx_lap_relative_distances),
        cmocka_unit_test(test_tcx_multisport_legs),
        cmocka_unit_test(test_gpx_hr_variants_and_tracks),
        cmocka_unit_test(test_gpx_route_without_time),
        cmocka_unit_test(test_bad_values_become_missing),
        cmocka_unit_test(test_malformed_and_empty),
        cmocka_unit_test(test_odd_nesting),
        cmocka_unit_test(test_dispatch_gzip_buffer),
        cmocka_unit_test(test_real_data_index),
    };
    return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
