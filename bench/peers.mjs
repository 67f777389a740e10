// bench/peers.mjs TOOL IN OUT THREADS - the formula of bench/peers.mission in DuckDB
// (@duckdb/node-api) or Polars (nodejs-polars): the CSV in, one column `fit` out.
// Run by bench/peers.sh, with NODE_PATH at the packages' cache.
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_PATH + '/');
const [tool, input, output, threads] = process.argv.slice(2);

if (tool === 'duckdb') {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const cols = "{'base':'DOUBLE','est':'DOUBLE','tgt':'DOUBLE','rate':'DOUBLE','spend':'DOUBLE','budget':'DOUBLE'}";
  // clamp(x, 0, 1) = min(max(x, 0), 1) with max(a, b) = b > a ? b : a, as missionc computes it
  await con.run(`COPY (
      WITH r AS (SELECT (base - est) / (base - tgt) AS x, rate / 0.42 AS q, spend, budget
                 FROM read_csv('${input}', header = true, columns = ${cols}))
      SELECT 0.4 * (CASE WHEN 1 < m THEN 1 ELSE m END)
           + 0.3 * (CASE WHEN q < 1 THEN q ELSE 1 END)
           + 0.3 * (CASE WHEN spend > budget THEN budget / spend ELSE 1 END) AS fit
      FROM (SELECT *, CASE WHEN 0 > x THEN 0 ELSE x END AS m FROM r))
    TO '${output}' (HEADER, DELIMITER ',')`);
} else if (tool === 'polars') {
  const pl = require('nodejs-polars');
  const c = (n) => pl.col(n).cast(pl.Float64);   // integer columns too
  const x = c('base').minus(c('est')).div(c('base').minus(c('tgt')));
  const m = pl.when(pl.lit(0).gt(x)).then(pl.lit(0)).otherwise(x);
  const clamp = pl.when(pl.lit(1).lt(m)).then(pl.lit(1)).otherwise(m);
  const q = c('rate').div(pl.lit(0.42));
  const mn = pl.when(q.lt(pl.lit(1))).then(q).otherwise(pl.lit(1));
  const share = pl.when(c('spend').gt(c('budget'))).then(c('budget').div(c('spend'))).otherwise(pl.lit(1));
  const fit = pl.lit(0.4).mul(clamp).plus(pl.lit(0.3).mul(mn)).plus(pl.lit(0.3).mul(share)).alias('fit');
  const df = pl.scanCSV(input).select(fit).collectSync();
  df.writeCSV(output);
} else {
  console.error(`unknown tool ${tool}`);
  process.exit(2);
}
