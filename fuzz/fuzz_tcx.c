/* fuzz_tcx.c — libFuzzer target of the TCX reader (src/io/tcx.c), with the write-back round trip of
 * xml_roundtrip.h. Seeds: tests/test_xml.c (seed_save "fuzz_tcx"). */
#define XR_READ tcx_read
#define XR_WRITE tcx_write
#include "xml_roundtrip.h"
