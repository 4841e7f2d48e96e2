// Live progress: one ora spinner on stderr naming the checks still running,
// and a persisted line per finished check. Only on a TTY, never under --ci.
import type { Progress } from '../../runbooks/types.js';
import { palette } from '../../render/style.js';

export async function spinnerProgress(stream: NodeJS.WriteStream, color: boolean): Promise<Progress & { stop(): void }> {
  const { default: ora } = await import('ora');
  const p = palette(color);
  const running = new Map<string, string>();
  // ora colours its frames itself: follow our colour decision (NO_COLOR).
  const spinner = ora({ stream, text: 'starting', discardStdin: false, color: color ? 'cyan' : false });
  const text = () => [...running.values()].join(', ') || 'finishing';
  return {
    start(id, label) {
      running.set(id, label);
      spinner.text = text();
      if (!spinner.isSpinning) spinner.start();
    },
    end(id, ok, summary) {
      const label = running.get(id) ?? id;
      running.delete(id);
      spinner.stopAndPersist({ symbol: ok ? p.green('✔') : p.red('✖'), text: `${label} ${p.dim(summary)}` });
      if (running.size) spinner.start(text());
    },
    stop() {
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
