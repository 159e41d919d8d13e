import { benchCatchUp } from '/work/wt/i15-perf/bench/catch-up';
const rows = await benchCatchUp([Number(process.argv[2] ?? 20000)], 1);
console.log(rows);
process.exit(0);
