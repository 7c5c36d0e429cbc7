/* xml_write.c — TCX and GPX writers for struct workout (see xml_write.h). */
#include "io/xml_write.h"
#include "io/xml_util.h"
#include "util/fileio.h"
#include <math.h>
#include <string.h>

/* Offset added to w->time: start_time when the times look elapsed, else 0. */
static double time_offset(const struct workout *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (!isnan(w->time[i]))
            return (w->time[i] < 1e8 && isfinite(w->start_time) && w->start_time >= 1e8) ? w->start_time
                                                                                         : 0.0;
    return 0.0;
}

static double first_time(const struct workout *w, double off)
{
    for (size_t i = 0; i < w->n; i++)
        if (!isnan(w->time[i]))
            return w->time[i] + off;
    return isfinite(w->start_time) ? w->start_time : 0.0;
}

static double last_time(const struct workout *w, double off)
{
    for (size_t i = w->n; i-- > 0;)
        if (!isnan(w->time[i]))
            return w->time[i] + off;
    return NAN;
}

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
                fputc(*s, f);
            break;
        }
    }
}

static void put_time(FILE *f, double t)
{
    char b[48];
    xml_format_time(t, b, sizeof b);
    fputs(b, f);
}

static int hr_ok(float hr) { return !isnan(hr) && hr >= 0.5f && hr < 255.5f; }
/* A cadence (steps per minute) worth writing as strides of one foot. */
static int cad_ok(const struct workout *w, size_t i) { return w->cad && w->cad[i] >= 1.0f && w->cad[i] < 500.0f; }

static const char *tcx_sport(const char *sport)
{
    if (sport_is_running(sport))
        return "Running";
    if (strstr(sport, "bik") || strstr(sport, "cycl") || strstr(sport, "ride"))
        return "Biking";
    return "Other";
}

static void tcx_point(FILE *f, const struct workout *w, size_t i, double off)
{
    fputs("          <Trackpoint>\n", f);
    if (!isnan(w->time[i])) {
        fputs("            <Time>", f);
        put_time(f, w->time[i] + off);
        fputs("</Time>\n", f);
    }
    if (!isnan(w->lat[i]) && !isnan(w->lon[i]))
        fprintf(f,
                "            <Position><LatitudeDegrees>%.7f</LatitudeDegrees>"
                "<LongitudeDegrees>%.7f</LongitudeDegrees></Position>\n",
                w->lat[i], w->lon[i]);
    if (!isnan(w->alt[i]))
        fprintf(f, "            <AltitudeMeters>%.2f</AltitudeMeters>\n", (double)w->alt[i]);
    if (!isnan(w->dist[i]))
        fprintf(f, "            <DistanceMeters>%.2f</DistanceMeters>\n", (double)w->dist[i]);
    if (hr_ok(w->hr[i]))
        fprintf(f, "            <HeartRateBpm><Value>%d</Value></HeartRateBpm>\n",
                (int)lrintf(w->hr[i]));
    int cad = cad_ok(w, i);
    if (!isnan(w->speed[i]) || cad) {
        fputs("            <Extensions><ns3:TPX>", f);
        if (!isnan(w->speed[i]))
            fprintf(f, "<ns3:Speed>%.3f</ns3:Speed>", (double)w->speed[i]);
        if (cad) /* one foot, as a watch writes it (the reader doubles it) */
            fprintf(f, "<ns3:RunCadence>%ld</ns3:RunCadence>", lrint(w->cad[i] / 2.0));
        fputs("</ns3:TPX></Extensions>\n", f);
    }
    fputs("          </Trackpoint>\n", f);
}

static void tcx_activity(FILE *f, const struct workout *w)
{
    double off = time_offset(w);
    double t0 = first_time(w, off), t1 = last_time(w, off);
    double total = isnan(t1) ? 0.0 : t1 - t0;
    double dist = 0.0;
    for (size_t i = w->n; i-- > 0;)
        if (!isnan(w->dist[i])) {
            dist = w->dist[i];
            break;
        }
    fprintf(f, "    <Activity Sport=\"%s\">\n      <Id>", tcx_sport(w->sport));
    put_time(f, t0);
    fputs("</Id>\n      <Lap StartTime=\"", f);
    put_time(f, t0);
    fprintf(f,
            "\">\n        <TotalTimeSeconds>%.3f</TotalTimeSeconds>\n"
            "        <DistanceMeters>%.2f</DistanceMeters>\n        <Calories>0</Calories>\n"
            "        <Intensity>Active</Intensity>\n        <TriggerMethod>Manual</TriggerMethod>\n",
            total, dist);
    if (w->n) {
        fputs("        <Track>\n", f);
        for (size_t i = 0; i < w->n; i++)
            tcx_point(f, w, i, off);
        fputs("        </Track>\n", f);
    }
    fputs("      </Lap>\n", f);
    if (w->device[0]) {
        fputs("      <Creator xsi:type=\"Device_t\"><Name>", f);
        put_escaped(f, w->device);
        fputs("</Name><UnitId>0</UnitId><ProductID>0</ProductID><Version><VersionMajor>0</VersionMajor>"
              "<VersionMinor>0</VersionMinor></Version></Creator>\n",
              f);
    }
    fputs("    </Activity>\n", f);
}

int tcx_write(FILE *f, const struct workout *const *ws, size_t nw, struct hr_err *e)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\""
          " xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\""
          " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <Activities>\n",
          f);
    for (size_t k = 0; k < nw; k++)
        tcx_activity(f, ws[k]);
    fputs("  </Activities>\n</TrainingCenterDatabase>\n", f);
    return ferror(f) ? hr_fail(e, "tcx: write failed") : 0;
}

static void gpx_point(FILE *f, const struct workout *w, size_t i, double off)
{
    fputs("      <trkpt", f);
    if (!isnan(w->lat[i]) && !isnan(w->lon[i]))
        fprintf(f, " lat=\"%.7f\" lon=\"%.7f\"", w->lat[i], w->lon[i]);
    fputs(">\n", f);
    if (!isnan(w->alt[i]))
        fprintf(f, "        <ele>%.2f</ele>\n", (double)w->alt[i]);
    if (!isnan(w->time[i])) {
        fputs("        <time>", f);
        put_time(f, w->time[i] + off);
        fputs("</time>\n", f);
    }
    int hr = hr_ok(w->hr[i]), spd = !isnan(w->speed[i]), cad = cad_ok(w, i);
    if (hr || spd || cad) {
        fputs("        <extensions><gpxtpx:TrackPointExtension>", f);
        if (hr)
            fprintf(f, "<gpxtpx:hr>%d</gpxtpx:hr>", (int)lrintf(w->hr[i]));
        if (cad) /* one foot, as FIT's running cadence (the reader doubles it) */
            fprintf(f, "<gpxtpx:cad>%ld</gpxtpx:cad>", lrint(w->cad[i] / 2.0));
        if (spd)
            fprintf(f, "<gpxtpx:speed>%.3f</gpxtpx:speed>", (double)w->speed[i]);
        fputs("</gpxtpx:TrackPointExtension></extensions>\n", f);
    }
    fputs("      </trkpt>\n", f);
}

int gpx_write(FILE *f, const struct workout *const *ws, size_t nw, struct hr_err *e)
{
    const char *creator = nw && ws[0]->device[0] ? ws[0]->device : "hrcast";
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"", f);
    put_escaped(f, creator);
    fputs("\" xmlns=\"http://www.topografix.com/GPX/1/1\""
          " xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v2\">\n",
          f);
    if (nw) {
        fputs("  <metadata><time>", f);
        put_time(f, first_time(ws[0], time_offset(ws[0])));
        fputs("</time></metadata>\n", f);
    }
    for (size_t k = 0; k < nw; k++) {
        const struct workout *w = ws[k];
        double off = time_offset(w);
        fputs("  <trk>\n", f);
        if (w->sport[0]) {
            fputs("    <type>", f);
            put_escaped(f, w->sport);
            fputs("</type>\n", f);
        }
        fputs("    <trkseg>\n", f);
        for (size_t i = 0; i < w->n; i++)
            gpx_point(f, w, i, off);
        fputs("    </trkseg>\n  </trk>\n", f);
    }
    fputs("</gpx>\n", f);
    return ferror(f) ? hr_fail(e, "gpx: write failed") : 0;
}

int xml_write_path(const char *path, enum xml_write_format fmt, const struct workout *w,
                   struct hr_err *e)
{
    struct atomic_file a;
    if (atomic_open(&a, path, e))
        return -1;
    const struct workout *ws[1] = {w};
    int rc = fmt == XML_WRITE_TCX ? tcx_write(a.f, ws, 1, e) : gpx_write(a.f, ws, 1, e);
    if (rc) {
        atomic_abort(&a);
        return hr_fail(e, "%s: write failed", path);
    }
    return atomic_commit(&a, e);
}
