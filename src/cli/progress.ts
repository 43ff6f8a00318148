import cliProgress from 'cli-progress';

/** A progress bar on a terminal; plain periodic lines when output is piped (CI logs stay readable). */
export function createProgress(label: string) {
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let lastPhase = '';
  let lastLine = 0;
  return {
    update(phase: string, done: number, total: number) {
      if (tty) {
        if (phase !== lastPhase) {
          bar?.stop();
          bar = new cliProgress.SingleBar(
            {
              format: `${label} ${phase.padEnd(14)} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
          lastPhase = phase;
        } else bar?.update(done);
        return;
      }
      const now = Date.now();
      if (phase !== lastPhase || now - lastLine > 2000 || done === total) {
        process.stderr.write(`${label} ${phase}: ${done}/${total}\n`);
        lastPhase = phase;
        lastLine = now;
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
