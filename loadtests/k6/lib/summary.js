// The end of a run: a short text summary on stdout (what was done, how fast, what crossed a
// threshold) and, when SUMMARY_JSON names a file, k6's whole summary data as JSON there (./sandbox
// load writes it to <report>/summary.json). In that file each metric has `values` (count, rate,
// avg, med, p(95), p(99), max...) and `thresholds` ({"p(99)<1500": {"ok": true}}).
import { PROFILE } from './profiles.js';

function number(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) {
    return '-';
  }
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

function describe(metric) {
  const v = metric.values;
  switch (metric.type) {
    case 'trend': {
      const unit = metric.contains === 'time' ? ' ms' : '';
      return `p50 ${number(v.med)}${unit}  p95 ${number(v['p(95)'])}${unit}  p99 ${number(v['p(99)'])}${unit}  max ${number(v.max)}${unit}`;
    }
    case 'rate':
      return `${number(100 * v.rate, 2)} %  (${v.passes} of ${v.passes + v.fails})`;
    case 'counter':
      return metric.contains === 'data' ? `${number(v.count / 1e6)} MB` : `${v.count}  (${number(v.rate)}/s)`;
    default:
      return `${number(v.value)}  (max ${number(v.max)})`;
  }
}

/** A handleSummary for `script`: `export const handleSummary = summary('orders');` */
export function summary(script) {
  return function handleSummary(data) {
    const seconds = data.state.testRunDurationMs / 1000;
    const lines = [`${script}.js, profile ${PROFILE}, ${number(seconds)} s${data.setup_data && data.setup_data.run ? `, run ${data.setup_data.run}` : ''}`];
    const names = Object.keys(data.metrics).sort();
    const width = Math.max(...names.map((n) => n.length));
    let crossed = 0;
    for (const name of names) {
      const metric = data.metrics[name];
      if (name.startsWith('data_') || name.startsWith('vus') || name.startsWith('http_req_') && !['http_req_duration', 'http_req_failed'].includes(name) && !metric.thresholds) {
        continue;
      }
      lines.push(`  ${name.padEnd(width)}  ${describe(metric)}`);
      for (const [expression, result] of Object.entries(metric.thresholds || {})) {
        crossed += result.ok ? 0 : 1;
        lines.push(`  ${''.padEnd(width)}    ${result.ok ? 'ok     ' : 'CROSSED'} ${expression}`);
      }
    }
    lines.push(crossed ? `${crossed} threshold(s) crossed` : 'every threshold held');
    const out = { stdout: `\n${lines.join('\n')}\n\n` };
    if (__ENV.SUMMARY_TEXT) {
      out[__ENV.SUMMARY_TEXT] = out.stdout.trimStart();
    }
    if (__ENV.SUMMARY_JSON) {
      out[__ENV.SUMMARY_JSON] = JSON.stringify(data, null, 2);
    }
    return out;
  };
}
