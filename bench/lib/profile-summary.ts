/**
 * Summarises a V8 .cpuprofile (from --cpu-prof): self time by package or source file, and the
 * hottest functions. `node bench/lib/profile-summary.ts FILE [TOP]`.
 */
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map<string, number>();
  // Attribute each sample to the innermost frame of our own code (src/) on its stack, if any.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const bySrc = new Map<string, number>();
  const srcFrameOf = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame && frame.url.includes('/src/') && !frame.url.includes('/node_modules/')) return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    }
    return '(no src/ frame on the stack: libraries, I/O callbacks, GC)';
  };
  const byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const name = area === '(idle)' ? '(idle)' : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    if (area !== '(idle)' && area !== '(program)') {
      const owner = srcFrameOf(id);
      bySrc.set(owner, (bySrc.get(owner) ?? 0) + us);
    }
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const lines = [`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (main thread)`];
  const fmt = (entries: Map<string, number>) =>
    [...entries]
      .filter(([key]) => key !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${key}`);
  lines.push(
    'self time by area:',
    ...fmt(byArea),
    'hottest functions (self time):',
    ...fmt(byFunction),
    'by the innermost function of ours (src/) on the stack:',
    ...fmt(bySrc),
  );
  return lines.join('\n');
}

function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
  // The profiler's own Session.post shows up here; it is not the app's work.
  if (url === 'node:inspector') return '(idle)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1] ?? url;
  const srcMatch = /\/(src\/.*)$/.exec(url);
  if (srcMatch) return srcMatch[1] ?? url;
  if (url.startsWith('node:')) return url;
  return url || '(native)';
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|src|bench|tests)\//, '$1/');
}

if (import.meta.main) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/lib/profile-summary.ts FILE.cpuprofile [TOP]');
  console.log(summarizeProfile(file, top ? Number(top) : 25));
}
