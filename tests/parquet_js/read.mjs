// read.mjs FILE — reads a Parquet file with hyparquet (all codecs via hyparquet-compressors) and prints
// one tab-separated line per row: the scalars, then for each list column "len:sum:nans" (sum over
// non-null, non-NaN values), so that the C test can compare with what it wrote.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const file = await asyncBufferFromFile(process.argv[2])
const meta = await parquetMetadataAsync(file)
const rows = await parquetReadObjects({ file, compressors })
const lists = ['time', 'speed', 'altitude', 'grade', 'distance', 'heart_rate']
const scalars = ['id', 'athlete', 'sport', 'gender', 'start_time', 'step_s']
const s = (v) => (v === null || v === undefined ? 'null' : typeof v === 'bigint' ? v.toString() : String(v))
console.log(`rows\t${rows.length}\t${meta.row_groups.length}\t${meta.created_by ?? ''}`)
for (const r of rows) {
  const out = scalars.map((k) => s(r[k]))
  for (const k of lists) {
    const a = r[k]
    if (a === null || a === undefined) { out.push('null'); continue }
    let sum = 0, nans = 0
    for (const v of a) {
      if (v === null || Number.isNaN(v)) nans++
      else sum += Number(v)
    }
    out.push(`${a.length}:${sum.toPrecision(12)}:${nans}`)
  }
  console.log(out.join('\t'))
}
