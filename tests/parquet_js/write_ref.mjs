// write_ref.mjs OUTDIR — writes Parquet files in the FitRec/Endomondo publication layout (list columns
// timestamp, speed [km/h], heart_rate, altitude, latitude, longitude + scalars id, userId, gender, sport,
// url) with hyparquet-writer, one per codec, data page v2, dictionary-encoded strings, several row
// groups. The values follow formulas that tests/test_parquet.c repeats (keep them in step).
import { parquetWriteBuffer } from 'hyparquet-writer'
import fs from 'fs'
import zlib from 'zlib'

const N_ROWS = 5
const nSamples = (r) => 20 + 7 * r
const rows = []
for (let r = 0; r < N_ROWS; r++) {
  const n = nSamples(r)
  const ts = [], speed = [], hr = [], alt = [], lat = [], lon = []
  for (let i = 0; i < n; i++) {
    ts.push(BigInt(1400000000 + 1000 * r + 3 * i))
    speed.push(r === 1 && i === 3 ? null : 8 + r + 0.5 * (i % 5))
    hr.push(r === 2 && i === 5 ? null : 120 + r + i)
    alt.push(100 + 0.25 * i)
    lat.push(45 + 0.001 * i)
    lon.push(7 + 0.002 * r)
  }
  rows.push({ id: 1000 + r, userId: 77 + (r % 2), gender: r % 2 ? 'female' : 'male', sport: r === 4 ? 'bike' : 'run',
    url: `https://example.invalid/${r}`, ts, speed, hr, alt, lat, lon })
}
const list = (name, type) => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', type },
]
const schema = [
  { name: 'root', num_children: 11 },
  ...list('altitude', 'DOUBLE'),
  { name: 'gender', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ...list('heart_rate', 'INT32'),
  { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' },
  ...list('latitude', 'DOUBLE'),
  ...list('longitude', 'DOUBLE'),
  ...list('speed', 'DOUBLE'),
  { name: 'sport', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ...list('timestamp', 'INT64'),
  { name: 'url', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'userId', type: 'INT64', repetition_type: 'OPTIONAL' },
]
const col = (name, f, extra = {}) => ({ name, data: rows.map(f), ...extra })
const columnData = [
  col('altitude', (r) => r.alt, { encoding: 'BYTE_STREAM_SPLIT' }),
  col('gender', (r) => r.gender, { encoding: 'RLE_DICTIONARY' }),
  col('heart_rate', (r) => r.hr, { encoding: 'RLE_DICTIONARY' }),
  col('id', (r) => BigInt(r.id)),
  col('latitude', (r) => r.lat),
  col('longitude', (r) => r.lon),
  col('speed', (r) => r.speed),
  col('sport', (r) => r.sport, { encoding: 'RLE_DICTIONARY' }),
  col('timestamp', (r) => r.ts),
  col('url', (r) => r.url),
  col('userId', (r) => BigInt(r.userId)),
]
const codecs = {
  UNCOMPRESSED: undefined,
  SNAPPY: undefined, // built in
  GZIP: (b) => new Uint8Array(zlib.gzipSync(b)),
}
for (const codec of Object.keys(codecs)) {
  const compressors = codecs[codec] ? { [codec]: codecs[codec] } : undefined
  const buf = parquetWriteBuffer({ columnData, schema, codec, compressors, rowGroupSize: 2 })
  fs.writeFileSync(`${process.argv[2]}/fitrec_${codec.toLowerCase()}.parquet`, new Uint8Array(buf))
}
// Two small files for the unit rules and other time bases (formulas repeated in the C test):
// steps.parquet: no time list, scalar step_s = 6 and start_time, speed_kmh list, heart_rate list.
// kv_ms.parquet: timestamp list typed TIMESTAMP_MILLIS, plain `speed` that the key/value metadata
// says is m/s (overriding the FitRec km/h default).
const stepRows = [0, 1]
const steps = parquetWriteBuffer({
  columnData: [
    { name: 'step_s', data: stepRows.map(() => 6) },
    { name: 'start_time', data: stepRows.map((r) => 1500000000 + 100 * r) },
    { name: 'speed_kmh', data: stepRows.map((r) => Array.from({ length: 10 + r }, (_, i) => 9 + 0.5 * i)) },
    { name: 'heart_rate', data: stepRows.map((r) => Array.from({ length: 10 + r }, (_, i) => 140 + i + r)) },
  ],
  schema: [
    { name: 'root', num_children: 4 },
    { name: 'step_s', type: 'FLOAT', repetition_type: 'REQUIRED' },
    { name: 'start_time', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    ...list('speed_kmh', 'DOUBLE'),
    ...list('heart_rate', 'FLOAT'),
  ],
})
fs.writeFileSync(`${process.argv[2]}/steps.parquet`, new Uint8Array(steps))
const kv = parquetWriteBuffer({
  columnData: [
    { name: 'timestamp', data: stepRows.map((r) => Array.from({ length: 8 }, (_, i) => BigInt(1500000000000 + 1000 * r + 2500 * i))) },
    { name: 'speed', data: stepRows.map((r) => Array.from({ length: 8 }, (_, i) => 3 + 0.25 * i + r)) },
  ],
  schema: [
    { name: 'root', num_children: 2 },
    { name: 'timestamp', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
    ...list('speed', 'DOUBLE'),
  ],
  kvMetadata: [{ key: 'hrcast.speed_unit', value: 'm/s' }],
})
fs.writeFileSync(`${process.argv[2]}/kv_ms.parquet`, new Uint8Array(kv))
console.log(Object.keys(codecs).join(' '))
