// Load shapes, chosen by PROFILE (smoke, load, stress, spike, soak); VUS and DURATION override a
// profile's size and its steady part. Every script builds its options from here, so one flag means
// the same thing everywhere.
//
//   smoke   a few VUs for 10 s: does the script work against this stack at all (CI runs it)
//   load    ramp to VUS (10) in 30 s, hold DURATION (2m), ramp down: the expected day
//   stress  steps to 1x, 2x, 3x, 4x VUS, DURATION / 4 each: where does it bend
//   spike   VUS for 20 s, a jump to 5x VUS within 5 s held for DURATION (30s), back: does it recover
//   soak    VUS for DURATION (30m): leaks, slow growth, expiring tokens
import { fail } from 'k6';

export const PROFILE = (__ENV.PROFILE || 'smoke').toLowerCase();

/** Seconds of a k6 duration string such as "90s", "2m", "1h30m". */
export function seconds(duration) {
  const parts = String(duration).match(/(\d+(?:\.\d+)?)(ms|s|m|h)/g);
  if (!parts) {
    fail(`not a duration: ${duration} (e.g. 30s, 2m, 1h)`);
  }
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return parts.reduce((sum, part) => {
    const [, value, suffix] = part.match(/(\d+(?:\.\d+)?)(ms|s|m|h)/);
    return sum + Number(value) * unit[suffix];
  }, 0);
}

function scaled(duration, factor) {
  return `${Math.max(1, Math.round(seconds(duration) * factor))}s`;
}

/**
 * The scenario of the profile: `defaults` may give a script's own smoke size (chat needs two
 * members in a room) and its own VUS for the bigger profiles.
 */
export function scenario(defaults = {}) {
  const vus = Number(__ENV.VUS || 0);
  const duration = __ENV.DURATION;
  const base = { exec: 'default', gracefulStop: '30s' };
  switch (PROFILE) {
    case 'smoke':
      return { ...base, executor: 'constant-vus', vus: vus || defaults.smokeVus || 1, duration: duration || '10s' };
    case 'load': {
      const target = vus || defaults.vus || 10;
      return { ...base, executor: 'ramping-vus', startVUs: 0, stages: [
        { duration: '30s', target }, { duration: duration || '2m', target }, { duration: '15s', target: 0 }] };
    }
    case 'stress': {
      const step = vus || defaults.vus || 10;
      const hold = duration || '4m';
      return { ...base, executor: 'ramping-vus', startVUs: 0, stages: [1, 2, 3, 4].flatMap((n) => [
        { duration: '15s', target: step * n }, { duration: scaled(hold, 0.25), target: step * n }])
        .concat([{ duration: '15s', target: 0 }]) };
    }
    case 'spike': {
      const calm = vus || defaults.vus || 10;
      return { ...base, executor: 'ramping-vus', startVUs: calm, stages: [
        { duration: '20s', target: calm }, { duration: '5s', target: calm * 5 }, { duration: duration || '30s', target: calm * 5 },
        { duration: '5s', target: calm }, { duration: '30s', target: calm }] };
    }
    case 'soak':
      return { ...base, executor: 'constant-vus', vus: vus || defaults.vus || 10, duration: duration || '30m' };
    default:
      return fail(`PROFILE=${PROFILE}: use smoke, load, stress, spike or soak`);
  }
}

/** How long the profile's scenario runs, in seconds (for bounds that grow with the run). */
export function totalSeconds(shape) {
  if (shape.duration) {
    return seconds(shape.duration);
  }
  return shape.stages.reduce((sum, stage) => sum + seconds(stage.duration), 0);
}

/** Percentiles the summaries show: the thresholds are on p95 and p99. */
export const TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'];
