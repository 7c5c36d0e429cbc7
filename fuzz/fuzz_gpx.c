/* fuzz_gpx.c — libFuzzer target of the GPX reader (src/io/gpx.c), with the write-back round trip of
 * xml_roundtrip.h. Seeds: tests/test_xml.c (seed_save "fuzz_gpx"). */
#define XR_READ gpx_read
#define XR_WRITE gpx_write
#include "xml_roundtrip.h"
